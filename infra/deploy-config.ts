/**
 * The deploy-time configuration file, `burstguard.config.json` by default:
 * the runtime configuration (shared/domain/config.ts) plus what only the
 * infrastructure needs, the Langfuse worker log groups of each file system.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import {
  type AppConfig,
  appConfigSchema,
  CONFIGURATION_FAILS,
  parseConfig,
} from '../shared/domain/config.ts';
import { ConfigurationError, parseOrThrow } from '../shared/domain/errors.ts';

export const DEFAULT_CONFIG_FILE = 'burstguard.config.json';

/** The configuration file's path: BURSTGUARD_CONFIG_FILE, or the default. */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  return env.BURSTGUARD_CONFIG_FILE || DEFAULT_CONFIG_FILE;
}

/**
 * The region a configuration file names, without checking the rest; for
 * SST's app(), which also runs for commands that need no configuration
 * (`sst install`, `sst secret set`). Undefined when the file is missing or
 * unreadable: run() reports that.
 */
export function configuredRegion(
  path: string,
  readText: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): string | undefined {
  try {
    const raw = JSON.parse(readText(path)) as { region?: unknown };
    return typeof raw.region === 'string'
      ? raw.region
      : appConfigSchema.shape.region.parse(undefined);
  } catch {
    return undefined;
  }
}

/**
 * Lambda allows 4 KB of environment variables in all (Lambda developer
 * guide, "Lambda quotas"); SST adds its own, so the configuration gets 3 KB.
 */
export const MAX_CONFIG_ENV_BYTES = 3072;

// CloudWatch Logs log group names: 1-512 of these characters
// (CreateLogGroup API reference).
const logGroupNameSchema = z
  .string()
  .regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, 'not a CloudWatch Logs log group name');

// EC2 resource ids: a prefix and 8 or 17 hex digits (EC2 API reference,
// "Resource IDs").
const ec2Id = (prefix: string, what: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`),
      `not ${what} id (${prefix}- and 8 or 17 hex digits)`,
    );

/**
 * Where the ClickHouse collector runs: subnets that reach ClickHouse, and
 * either security groups of yours or a VPC in which burstguard creates one
 * whose only egress is ClickHouse's port.
 */
export const clickhouseNetworkSchema = z
  .object({
    subnetIds: z
      .array(ec2Id('subnet', 'a subnet'))
      .min(1, 'name at least one subnet'),
    securityGroupIds: z
      .array(ec2Id('sg', 'a security group'))
      .min(1)
      .max(5)
      .optional(),
    vpcId: ec2Id('vpc', 'a VPC').optional(),
  })
  .strict()
  .refine(
    (n) => (n.securityGroupIds === undefined) !== (n.vpcId === undefined),
    {
      message:
        'name securityGroupIds, or vpcId for burstguard to create a security group, not both',
    },
  );
export type ClickHouseNetworkConfig = z.infer<typeof clickhouseNetworkSchema>;

const deployOnlySchema = z.object({
  fileSystems: z.array(
    z.object({
      fileSystemId: z.string(),
      /** The Langfuse worker's log groups (ECS task logs). */
      langfuseLogGroups: z.array(logGroupNameSchema).default([]),
    }),
  ),
  clickhouseNetwork: clickhouseNetworkSchema.optional(),
});

export type DeployConfig = {
  config: AppConfig;
  /** Log group names per file system id. */
  langfuseLogGroups: Record<string, string[]>;
  /**
   * The ClickHouse collector's subnets and security groups; without it the
   * collector runs outside any VPC (a ClickHouse with a public endpoint).
   */
  clickhouseNetwork?: ClickHouseNetworkConfig;
};

/**
 * The TCP ports of the configured ClickHouse URLs. @clickhouse/client
 * connects to the URL as given (@clickhouse/client-common `config.ts`,
 * `createUrl`), so a URL without a port means 80 or 443.
 */
export function clickhousePorts(config: AppConfig): number[] {
  const ports = config.fileSystems.flatMap((fs) => {
    if (!fs.clickhouseUrl) return [];
    const url = new URL(fs.clickhouseUrl);
    return [Number(url.port || (url.protocol === 'https:' ? 443 : 80))];
  });
  return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * The ports of a private Langfuse (`recovery.langfuseInVpc`), which the
 * replay function reaches from the collector's subnets.
 */
export function langfusePrivatePorts(config: AppConfig): number[] {
  const ports = config.fileSystems.flatMap((fs) => {
    if (!fs.recovery?.langfuseInVpc) return [];
    const url = new URL(fs.recovery.langfuseUrl);
    return [Number(url.port || (url.protocol === 'https:' ? 443 : 80))];
  });
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** Checks a parsed configuration file; one clear line when it is wrong. */
export function parseDeployConfig(raw: unknown): DeployConfig {
  const config = parseConfig(raw);
  const deployOnly = parseOrThrow(deployOnlySchema, raw, CONFIGURATION_FAILS);
  const langfuseLogGroups: Record<string, string[]> = {};
  for (const fs of deployOnly.fileSystems) {
    langfuseLogGroups[fs.fileSystemId] = [
      ...(langfuseLogGroups[fs.fileSystemId] ?? []),
      ...fs.langfuseLogGroups,
    ];
  }
  const { clickhouseNetwork } = deployOnly;
  const privateLangfuse = config.fileSystems.findIndex(
    (fs) => fs.recovery?.langfuseInVpc,
  );
  if (privateLangfuse >= 0 && !clickhouseNetwork) {
    throw new ConfigurationError(
      `configuration fileSystems.${privateLangfuse}.recovery.langfuseInVpc: needs clickhouseNetwork, the subnets the replay function joins to reach a private Langfuse`,
    );
  }
  if (clickhouseNetwork?.vpcId && clickhousePorts(config).length === 0) {
    throw new ConfigurationError(
      'configuration clickhouseNetwork.vpcId: no file system names a clickhouseUrl, so the security group would have no port to open',
    );
  }
  return {
    config,
    langfuseLogGroups,
    ...(clickhouseNetwork ? { clickhouseNetwork } : {}),
  };
}

/**
 * Reads and checks the configuration file. A missing file says how to
 * make one.
 */
export function loadDeployConfig(
  path: string,
  readText: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): DeployConfig {
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    if ((error as { code?: string })?.code === 'ENOENT') {
      throw new ConfigurationError(
        `${path} not found: copy burstguard.config.example.json to ${DEFAULT_CONFIG_FILE} and edit it, or set BURSTGUARD_CONFIG_FILE to its path`,
        { cause: error },
      );
    }
    throw new ConfigurationError(`${path} could not be read`, {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${path} is not JSON`, { cause: error });
  }
  try {
    return parseDeployConfig(raw);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      throw new ConfigurationError(`${path}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * `BURSTGUARD_CONFIG` for every Lambda: the parsed runtime configuration
 * with its defaults filled in, so every function reads the same values.
 */
export function configEnvironment(config: AppConfig): {
  BURSTGUARD_CONFIG: string;
} {
  const text = JSON.stringify(config);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_ENV_BYTES) {
    throw new ConfigurationError(
      `configuration is ${bytes} bytes as JSON; Lambda environment variables allow ${MAX_CONFIG_ENV_BYTES} for it`,
    );
  }
  return { BURSTGUARD_CONFIG: text };
}

/**
 * The runtime configuration with each file system's Langfuse log groups as
 * `insightsLogGroups`, where the Langfuse collector counts dropped records
 * with Logs Insights.
 */
export function withInsightsLogGroups(
  config: AppConfig,
  langfuseLogGroups: Record<string, readonly string[]>,
): AppConfig {
  return {
    ...config,
    fileSystems: config.fileSystems.map((fs) => {
      const groups = langfuseLogGroups[fs.fileSystemId] ?? [];
      return groups.length > 0
        ? { ...fs, insightsLogGroups: [...new Set(groups)] }
        : fs;
    }),
  };
}

/**
 * The app's settings (sst.config.ts `app`). Production stages keep their
 * resources on removal and are protected. Alarms and EventBridge rules are
 * regional: deploy next to the file systems; without a config file (sst
 * install, sst secret) the provider's default region applies, and `run`
 * stops.
 */
export function appSettings(stage: string | undefined, env: NodeJS.ProcessEnv) {
  const region = configuredRegion(configFilePath(env));
  const production = ['prod', 'production'].includes(stage ?? '');
  return {
    name: 'burstguard',
    home: 'aws' as const,
    removal: production ? ('retain' as const) : ('remove' as const),
    protect: production,
    ...(region ? { providers: { aws: { region } } } : {}),
  };
}

/**
 * The runtime configuration with burstguard's own bucket, where the
 * recovery writes failed keys and skip reasons (`recovery.ownBucket`).
 */
export function withRecoveryBucket(
  config: AppConfig,
  bucket: string,
): AppConfig {
  return { ...config, recovery: { ...config.recovery, ownBucket: bucket } };
}
