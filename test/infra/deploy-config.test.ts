import { describe, expect, it } from 'vitest';
import {
  configEnvironment,
  configFilePath,
  configuredRegion,
  loadDeployConfig,
  MAX_CONFIG_ENV_BYTES,
  parseDeployConfig,
  withInsightsLogGroups,
} from '../../infra/deploy-config.ts';
import { ConfigurationError } from '../../shared/domain/errors.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';

const EXAMPLE = new URL('../../burstguard.config.example.json', import.meta.url)
  .pathname;

function missingFile(path: string): string {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
}

describe('loadDeployConfig', () => {
  it('reads the committed example', () => {
    // Prepare / Act
    const { config, langfuseLogGroups } = loadDeployConfig(EXAMPLE);

    // Assess
    expect(config.fileSystems.map((f) => f.fileSystemId)).toEqual([
      'fs-0123456789abcdef0',
    ]);
    expect(langfuseLogGroups).toEqual({
      'fs-0123456789abcdef0': ['/ecs/langfuse-worker'],
    });
  });

  it('says how to make the file when it is missing', () => {
    // Prepare / Act / Assess
    expect(() =>
      loadDeployConfig('burstguard.config.json', missingFile),
    ).toThrow(
      /burstguard\.config\.json not found: copy burstguard\.config\.example\.json .* or set BURSTGUARD_CONFIG_FILE/,
    );
  });

  it('names the file and the field that is wrong', () => {
    // Prepare
    const text = JSON.stringify({
      fileSystems: [{ fileSystemId: FS_ID, policy: 'sometimes' }],
    });

    // Act / Assess
    expect(() => loadDeployConfig('deploy.json', () => text)).toThrow(
      /^deploy\.json: configuration fileSystems\.0\.policy: /,
    );
  });

  it('rejects a file that is not JSON', () => {
    // Prepare / Act / Assess
    expect(() => loadDeployConfig('deploy.json', () => '{')).toThrow(
      new ConfigurationError('deploy.json is not JSON'),
    );
  });
});

describe('parseDeployConfig', () => {
  it('keeps log groups out of the runtime configuration', () => {
    // Prepare
    const raw = {
      fileSystems: [
        { fileSystemId: FS_ID, langfuseLogGroups: ['/ecs/langfuse-worker'] },
        { fileSystemId: OTHER_FS_ID },
      ],
    };

    // Act
    const { config, langfuseLogGroups } = parseDeployConfig(raw);

    // Assess
    expect(langfuseLogGroups).toEqual({
      [FS_ID]: ['/ecs/langfuse-worker'],
      [OTHER_FS_ID]: [],
    });
    expect(JSON.stringify(config)).not.toContain('langfuseLogGroups');
  });

  it('rejects a log group name CloudWatch Logs would refuse', () => {
    // Prepare
    const raw = {
      fileSystems: [{ fileSystemId: FS_ID, langfuseLogGroups: ['bad name'] }],
    };

    // Act / Assess
    expect(() => parseDeployConfig(raw)).toThrow(
      /fileSystems\.0\.langfuseLogGroups\.0: not a CloudWatch Logs log group name/,
    );
  });
});

describe('configEnvironment', () => {
  it('gives every Lambda the configuration it reads at cold start', () => {
    // Prepare
    const { config } = loadDeployConfig(EXAMPLE);

    // Act
    const environment = configEnvironment(config);

    // Assess
    expect(readConfigFromEnv(environment)).toEqual(config);
  });

  it('refuses a configuration too large for Lambda environment variables', () => {
    // Prepare
    const { config } = parseDeployConfig({
      fileSystems: [{ fileSystemId: FS_ID }],
      approvers: Array.from({ length: 400 }, (_, i) => `U${i}`.padEnd(11, '0')),
    });

    // Act / Assess
    expect(JSON.stringify(config).length).toBeGreaterThan(MAX_CONFIG_ENV_BYTES);
    expect(() => configEnvironment(config)).toThrow(ConfigurationError);
  });
});

describe('configuredRegion', () => {
  it('reads the region, or the default region when the file has none', () => {
    // Prepare / Act / Assess
    expect(configuredRegion('a.json', () => '{"region":"eu-west-1"}')).toBe(
      'eu-west-1',
    );
    expect(configuredRegion('a.json', () => '{"fileSystems":[]}')).toBe(
      'us-east-1',
    );
  });

  it('leaves the region to the provider when there is no file', () => {
    // Prepare / Act / Assess
    expect(configuredRegion('missing.json', missingFile)).toBeUndefined();
  });
});

describe('configFilePath', () => {
  it('uses BURSTGUARD_CONFIG_FILE, else burstguard.config.json', () => {
    // Prepare / Act / Assess
    expect(configFilePath({ BURSTGUARD_CONFIG_FILE: '/etc/bg.json' })).toBe(
      '/etc/bg.json',
    );
    expect(configFilePath({})).toBe('burstguard.config.json');
  });
});

describe('withInsightsLogGroups', () => {
  it('hands the Langfuse collector each file system its log groups', () => {
    // Prepare
    const { config, langfuseLogGroups } = parseDeployConfig({
      fileSystems: [
        {
          fileSystemId: FS_ID,
          langfuseLogGroups: ['/ecs/langfuse-worker', '/ecs/langfuse-worker'],
        },
        { fileSystemId: OTHER_FS_ID },
      ],
    });

    // Act
    const runtime = withInsightsLogGroups(config, langfuseLogGroups);
    const read = readConfigFromEnv(configEnvironment(runtime));

    // Assess: what the Lambda reads back at cold start.
    expect(read.fileSystems.map((f) => f.insightsLogGroups)).toEqual([
      ['/ecs/langfuse-worker'],
      undefined,
    ]);
  });
});
