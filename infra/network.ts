/**
 * The ClickHouse collector's network. Langfuse's ClickHouse listens on a
 * private address, so the one function whose job is to read it runs in
 * subnets that reach it; it calls nothing else (no AWS API, no Slack), so
 * those subnets need no NAT gateway. Every other function stays outside
 * the VPC and reaches AWS and Slack directly.
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { ClickHouseNetworkConfig } from './deploy-config.ts';

/** What `sst.aws.Function`'s `vpc` takes: subnets and security groups. */
export type FunctionVpc = {
  privateSubnets: pulumi.Input<string>[];
  securityGroups: pulumi.Input<string>[];
};

export type CollectorNetwork = {
  vpc: FunctionVpc;
  /** The security group burstguard created, when the config asked for one. */
  securityGroup?: aws.ec2.SecurityGroup;
};

/**
 * A security group for the collector whose only rules are egress over TCP
 * to ClickHouse's ports inside the VPC. With inline `egress`, the provider
 * removes the allow-all egress rule AWS adds to a new group
 * (terraform-provider-aws `website/docs/r/security_group.html.markdown`,
 * "NOTE on Egress rules"). It has no ingress: Lambda only opens
 * connections, and security groups are stateful. DNS needs no rule:
 * security groups do not filter traffic to the Amazon DNS server (Amazon
 * VPC user guide, "Security group rules").
 */
export function createCollectorSecurityGroup(
  args: {
    prefix: string;
    vpcId: string;
    /** ClickHouse's HTTP(S) ports, from the configured URLs. */
    ports: readonly number[];
    /** A private Langfuse's ports, for the replay function. */
    langfusePorts?: readonly number[];
  },
  opts?: pulumi.CustomResourceOptions,
): aws.ec2.SecurityGroup {
  if (args.ports.length === 0) {
    throw new Error('a ClickHouse port is needed to open');
  }
  const vpc = aws.ec2.getVpcOutput({ id: args.vpcId }, opts);
  return new aws.ec2.SecurityGroup(
    `${args.prefix}-clickhouse-collector`,
    {
      name: `${args.prefix}-clickhouse-collector`,
      description: 'burstguard ClickHouse collector: egress to ClickHouse only',
      vpcId: args.vpcId,
      egress: [
        ...args.ports.map((port) => ({
          description: `ClickHouse HTTP on ${port}`,
          protocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrBlocks: [vpc.cidrBlock],
        })),
        ...(args.langfusePorts ?? []).map((port) => ({
          description: `private Langfuse on ${port}`,
          protocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrBlocks: [vpc.cidrBlock],
        })),
      ],
      ingress: [],
    },
    opts,
  );
}

/**
 * The collector's `vpc` from the configuration: its own security groups,
 * or the one created in the named VPC. Undefined without a network.
 */
export function collectorNetwork(
  args: {
    prefix: string;
    network: ClickHouseNetworkConfig | undefined;
    ports: readonly number[];
    langfusePorts?: readonly number[];
  },
  opts?: pulumi.CustomResourceOptions,
): CollectorNetwork | undefined {
  const { network } = args;
  if (!network) return undefined;
  if (network.vpcId) {
    const securityGroup = createCollectorSecurityGroup(
      {
        prefix: args.prefix,
        vpcId: network.vpcId,
        ports: args.ports,
        ...(args.langfusePorts ? { langfusePorts: args.langfusePorts } : {}),
      },
      opts,
    );
    return {
      vpc: {
        privateSubnets: [...network.subnetIds],
        securityGroups: [securityGroup.id],
      },
      securityGroup,
    };
  }
  return {
    vpc: {
      privateSubnets: [...network.subnetIds],
      securityGroups: [...(network.securityGroupIds ?? [])],
    },
  };
}
