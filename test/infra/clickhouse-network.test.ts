/**
 * The ClickHouse collector's network in the configuration: subnet and
 * security group ids as EC2 spells them (EC2 API reference, "Resource
 * IDs"), and the ports @clickhouse/client connects to (the URL as given,
 * @clickhouse/client-common `config.ts` `createUrl`).
 */
import { describe, expect, it } from 'vitest';
import {
  clickhousePorts,
  configEnvironment,
  parseDeployConfig,
} from '../../infra/deploy-config.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import { ConfigurationError } from '../../shared/domain/errors.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';

const SUBNET = 'subnet-0123456789abcdef0';

function deploy(clickhouseNetwork: unknown, clickhouseUrl?: string) {
  return parseDeployConfig({
    allowInsecureClickhouseHttp: true,
    fileSystems: [
      { fileSystemId: FS_ID, ...(clickhouseUrl ? { clickhouseUrl } : {}) },
    ],
    clickhouseNetwork,
  });
}

describe('clickhouseNetwork', () => {
  it('takes subnets with security groups, or with a VPC', () => {
    // Prepare / Act
    const own = deploy({
      subnetIds: [SUBNET],
      securityGroupIds: ['sg-01234567'],
    });
    const created = deploy(
      { subnetIds: [SUBNET], vpcId: 'vpc-0123456789abcdef0' },
      'http://clickhouse.internal:8123',
    );

    // Assess
    expect(own.clickhouseNetwork).toEqual({
      subnetIds: [SUBNET],
      securityGroupIds: ['sg-01234567'],
    });
    expect(created.clickhouseNetwork?.vpcId).toBe('vpc-0123456789abcdef0');
  });

  it('stays out of the Lambdas environment', () => {
    // Prepare
    const { config } = deploy({
      subnetIds: [SUBNET],
      securityGroupIds: ['sg-01234567'],
    });

    // Act
    const env = JSON.parse(configEnvironment(config).BURSTGUARD_CONFIG);

    // Assess
    expect(env.clickhouseNetwork).toBeUndefined();
    expect(env.fileSystems[0].fileSystemId).toBe(FS_ID);
  });

  it.each([
    [
      { subnetIds: [], securityGroupIds: ['sg-01234567'] },
      'configuration clickhouseNetwork.subnetIds: name at least one subnet',
    ],
    [
      { subnetIds: ['subnet-xyz'], securityGroupIds: ['sg-01234567'] },
      'configuration clickhouseNetwork.subnetIds.0: not a subnet id (subnet- and 8 or 17 hex digits)',
    ],
    [
      { subnetIds: [SUBNET], securityGroupIds: ['vpc-01234567'] },
      'configuration clickhouseNetwork.securityGroupIds.0: not a security group id (sg- and 8 or 17 hex digits)',
    ],
    [
      { subnetIds: [SUBNET] },
      'configuration clickhouseNetwork: name securityGroupIds, or vpcId for burstguard to create a security group, not both',
    ],
    [
      {
        subnetIds: [SUBNET],
        securityGroupIds: ['sg-01234567'],
        vpcId: 'vpc-01234567',
      },
      'configuration clickhouseNetwork: name securityGroupIds, or vpcId for burstguard to create a security group, not both',
    ],
    [
      { subnetIds: [SUBNET], securityGroupIds: ['sg-01234567'], nat: true },
      'configuration clickhouseNetwork: Unrecognized key: "nat"',
    ],
    [
      { subnetIds: [SUBNET], vpcId: 'vpc-01234567' },
      'configuration clickhouseNetwork.vpcId: no file system names a clickhouseUrl, so the security group would have no port to open',
    ],
  ])('refuses %j in one line', (network, message) => {
    // Prepare / Act
    const attempt = () => deploy(network);

    // Assess
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(message);
  });
});

describe('clickhousePorts', () => {
  it('opens the port of each URL, 80 or 443 when the URL names none', () => {
    // Prepare
    const config = parseConfig({
      allowInsecureClickhouseHttp: true,
      fileSystems: [
        { fileSystemId: FS_ID, clickhouseUrl: 'https://ch.internal:8443' },
        { fileSystemId: OTHER_FS_ID, clickhouseUrl: 'https://ch2.internal' },
        { fileSystemId: 'fs-11111111', clickhouseUrl: 'http://ch3.internal' },
        { fileSystemId: 'fs-22222222', clickhouseUrl: 'http://ch4:8443' },
      ],
    });

    // Act / Assess
    expect(clickhousePorts(config)).toEqual([80, 443, 8443]);
  });
});
