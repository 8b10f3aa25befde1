/**
 * The deployment's configuration: which file systems burstguard watches,
 * their remediation policy, where their Langfuse logs and ClickHouse live,
 * and where Slack messages go. The deployed functions read it
 * from `BURSTGUARD_CONFIG` (shared/runtime/config.ts); secrets come from
 * SST secrets.
 */
import * as z from 'zod/mini';
import {
  fileSystemIdSchema,
  policySchema,
  windowMinutesSchema,
} from './contracts.ts';
import { ConfigurationError, parseOrThrow } from './errors.ts';
import {
  RECOVERY_DEFAULTS,
  REPLAY_MAX_KEYS_PER_REQUEST,
} from './recovery/contract.ts';
import { schema } from './schema.ts';

/**
 * A ClickHouse endpoint: http(s) only, and no `user:password@`, which
 * @clickhouse/client would send instead of the secret's password and which
 * would sit in plain text in every function's environment. No query string
 * or fragment either: the client reads its own settings from the URL's
 * parameters and lets them override the code's (`loadConfigOptionsFromURL`
 * in @clickhouse/client-common's config.js: `access_token`,
 * `http_header_*`, `request_timeout`, `clickhouse_setting_*`, ...), so a
 * parameter could carry a credential or undo the read-only, bounded
 * settings. Whether plain http is allowed is the whole configuration's call
 * (see `allowInsecureClickhouseHttp`).
 */
const clickhouseUrlSchema = /* @__PURE__ */ schema(() =>
  z.string().check(
    z.url(),
    z.superRefine((text, ctx) => {
      // zod runs this even after .url() refused the text.
      if (!URL.canParse(text)) return;
      const url = new URL(text);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        ctx.addIssue({
          code: 'custom',
          message: `must be an https:// URL, not ${url.protocol}`,
        });
      } else if (url.username || url.password) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must carry no credentials (user:password@): set clickhouseUser, and the password as the ClickHousePassword secret',
        });
      } else if (url.search || url.hash || text.includes('?')) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must carry no query string or fragment: @clickhouse/client would read settings and credentials from it; burstguard sets its own',
        });
      }
    }),
  ),
);

/**
 * A URL a secret travels to (a bearer token, a bot token): https, or plain
 * http only to this machine's loopback (a test double, a local proxy).
 */
const secureOrLoopbackUrlSchema = /* @__PURE__ */ schema(() =>
  z.string().check(
    z.url(),
    z.refine(
      (text) => {
        // zod runs this even after .url() refused the text.
        if (!URL.canParse(text)) return false;
        const url = new URL(text);
        return (
          url.protocol === 'https:' ||
          (url.protocol === 'http:' &&
            ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
        );
      },
      { message: 'must be https (or http on loopback)' },
    ),
  ),
);

/**
 * S3 bucket names: 3 to 63 lower-case letters, digits, dots and hyphens,
 * starting and ending with a letter or digit (Amazon S3 user guide,
 * "General purpose bucket naming rules").
 */
const bucketNameSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(
      z.regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)',
      ),
    ),
);

/**
 * Where a file system's Langfuse keeps its ingested events, and how to
 * replay them (POST /api/admin/ingestion-replay, langfuse/langfuse
 * web/src/pages/api/admin/ingestion-replay.ts). The admin key is the
 * credentials secret's `langfuseAdminKey` field, never here.
 */
export const recoveryFileSystemConfigSchema = /* @__PURE__ */ schema(() =>
  z.object({
    /** Langfuse's `LANGFUSE_S3_EVENT_UPLOAD_BUCKET`. */
    eventsBucket: bucketNameSchema,
    /** Langfuse's `LANGFUSE_S3_EVENT_UPLOAD_PREFIX` (empty by default). */
    eventsPrefix: z._default(z.string(), ''),
    /** Langfuse's web base URL; the admin key is sent to it. */
    langfuseUrl: secureOrLoopbackUrlSchema,
    /**
     * Langfuse is reachable only inside the VPC: the function that posts to
     * it runs there and calls nothing else.
     */
    langfuseInVpc: z._default(z.boolean(), false),
    /** Whether a recovery asks first (approve), just runs (auto) or not (off). */
    policy: z._default(policySchema, 'approve'),
  }),
);
export type RecoveryFileSystemConfig = z.infer<
  typeof recoveryFileSystemConfigSchema
>;

/** The deployment-wide replay settings (the operator guide's defaults). */
export const recoveryAppConfigSchema = /* @__PURE__ */ schema(() =>
  z.object({
    /** Keys per replay request, 1 to 1,000 (the endpoint's limit). */
    batchSize: z._default(
      z
        .number()
        .check(
          z.int(),
          z.gte(1, 'must be 1 to 1000 keys (the ingestion-replay limit)'),
          z.lte(
            REPLAY_MAX_KEYS_PER_REQUEST,
            'must be 1 to 1000 keys (the ingestion-replay limit)',
          ),
        ),
      RECOVERY_DEFAULTS.batchSize,
    ),
    /** Replay requests in flight at once (the map's MaxConcurrency). */
    maxConcurrency: z._default(
      z.number().check(z.int(), z.gte(1), z.lte(1000)),
      RECOVERY_DEFAULTS.maxConcurrency,
    ),
    /** Replay requests per second, over all requests in flight. */
    requestsPerSecond: z._default(
      z.number().check(z.positive(), z.lte(1000)),
      RECOVERY_DEFAULTS.requestsPerSecond,
    ),
    /** burstguard's own bucket (map results, failed keys); set at deploy. */
    ownBucket: z.optional(bucketNameSchema),
  }),
);
export type RecoveryAppConfig = z.infer<typeof recoveryAppConfigSchema>;

export const fileSystemConfigSchema = /* @__PURE__ */ schema(() =>
  z.object({
    fileSystemId: fileSystemIdSchema,
    /** A name people know it by, e.g. `langfuse-clickhouse`. */
    name: z.optional(z.string()),
    policy: z._default(policySchema, 'approve'),
    /** May burstguard change this file system at all (the allowlist). */
    remediationAllowed: z._default(z.boolean(), false),
    /** Alarm names (log-pattern alarms) that speak for this file system. */
    alarmNames: z._default(z.array(z.string()), []),
    /** ClickHouse HTTPS endpoint of the Langfuse deployment on it. */
    clickhouseUrl: z.optional(clickhouseUrlSchema),
    /**
     * Each replica of a ClickHouse cluster on this file system (one URL per
     * pod, same rules as clickhouseUrl), snapshotted one by one beside
     * clickhouseUrl, the cluster's Service; see docs/eks.md.
     */
    clickhouseReplicas: z.optional(
      z.array(clickhouseUrlSchema).check(z.minLength(1), z.maxLength(16)),
    ),
    /**
     * Find the replicas through clickhouseUrl instead: the hosts of the
     * cluster named `clickhouseCluster` in system.clusters, reached on
     * clickhouseUrl's scheme and port.
     */
    clickhouseDiscoverReplicas: z.optional(z.boolean()),
    /** The cluster Langfuse uses: its CLICKHOUSE_CLUSTER_NAME, `default`. */
    clickhouseCluster: z.optional(
      z.string().check(z.minLength(1), z.maxLength(200)),
    ),
    clickhouseUser: z._default(z.string(), 'default'),
    /**
     * The Langfuse worker's CloudWatch Logs groups the Langfuse collector
     * counts dropped records in with Logs Insights; filled in at deploy from
     * the configuration file's `langfuseLogGroups`.
     */
    insightsLogGroups: z.optional(z.array(z.string())),
    /** Replaying the events Langfuse dropped; absent: no recovery. */
    recovery: z.optional(recoveryFileSystemConfigSchema),
  }),
);
export type FileSystemConfig = z.infer<typeof fileSystemConfigSchema>;

export const appConfigSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      region: z._default(z.string(), 'us-east-1'),
      fileSystems: z.array(fileSystemConfigSchema).check(z.minLength(1)),
      /**
       * Lets a `clickhouseUrl` be plain http, for loopback and development:
       * the ClickHouse password then crosses the network in clear.
       */
      allowInsecureClickhouseHttp: z._default(z.boolean(), false),
      /**
       * Reserved concurrency of the Slack interactions endpoint, a public
       * function URL: a flood of requests to it cannot take more than this
       * from the account's concurrency, which the runbook's functions share.
       * 0 leaves it unreserved (accounts with a small concurrency quota: Lambda
       * keeps 100 units unreserved, so a reservation may not fit).
       */
      slackEndpointReservedConcurrency: z._default(
        z.number().check(z.int(), z.gte(0), z.lte(1000)),
        5,
      ),
      /** Namespace the Langfuse log metric filters publish to. */
      langfuseMetricNamespace: z._default(z.string(), 'Burstguard/Langfuse'),
      slackChannel: z._default(z.string(), '#langfuse-oncall'),
      /**
       * Another Slack Web API base than Slack's own `https://slack.com/api/`
       * (a test double, a proxy). The bot token travels with every call, so
       * only https, or plain http to this machine's loopback, is accepted.
       */
      slackApiUrl: z.optional(secureOrLoopbackUrlSchema),
      /**
       * Policy `auto` switches without asking only when the diagnosis'
       * confidence is at least this (0 to 1) and no two sources contradict
       * each other; otherwise it asks an approver, as `approve` does.
       */
      autoConfidenceFloor: z._default(
        z.number().check(z.gte(0), z.lte(1)),
        0.8,
      ),
      /** Slack user ids allowed to approve a remediation. */
      approvers: z._default(z.array(z.string()), []),
      /**
       * A Slack user group (its id, `S…`) the approval card mentions instead
       * of each approver, e.g. the on-call rotation's group: Slack writes the
       * mention `<!subteam^ID>` (Slack API docs, "Formatting text for app
       * surfaces", mentioning groups). Only the `approvers` may answer.
       */
      approverGroupId: z.optional(
        z
          .string()
          .check(
            z.regex(
              /^S[A-Z0-9]{2,30}$/,
              'must be a Slack user group id (S followed by upper-case letters and digits, e.g. S0123ABCD)',
            ),
          ),
      ),
      /**
       * An approval request unanswered this long is escalated: the approvers
       * are mentioned again in the thread (and the pager webhook, when the
       * `PagerWebhookUrl` secret is set, is called), every this many minutes,
       * until the request expires after one hour. It divides the hour, so
       * the rounds end exactly when the card says the request expires.
       */
      approvalEscalationMinutes: z._default(
        z.number().check(
          z.int(),
          z.gte(1),
          z.lte(60),
          z.refine((minutes) => 60 % minutes === 0, {
            message:
              'must divide the hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60), so the request expires after exactly 1 h as the approval card says',
          }),
        ),
        15,
      ),
      defaultWindowMinutes: z._default(windowMinutesSchema, 180),
      clickhouseTimeoutMs: z._default(
        z.number().check(z.int(), z.gte(100), z.lte(60_000)),
        5_000,
      ),
      /**
       * How long every alarm of an incident must stay OK before the incident
       * is resolved: after an OK, the state machine waits this long, then reads
       * each joined alarm from CloudWatch again.
       */
      incidentQuietMinutes: z._default(
        z.number().check(z.int(), z.gte(1), z.lte(1440)),
        15,
      ),
      /**
       * An open incident that no trigger joined for this long, and whose
       * joined alarms all read OK, is over: the next ALARM opens a new
       * incident (new diagnosis, thread and approval card) instead of joining
       * it, and the hourly preflight resolves such an incident that no alarm
       * ever joined.
       */
      incidentIdleHours: z._default(
        z.number().check(z.int(), z.gte(1), z.lte(168)),
        24,
      ),
      /** The scheduled preflight: how far back to fit, how far ahead to warn. */
      preflight: z._default(
        z.object({
          lookbackMinutes: z._default(
            z.number().check(z.int(), z.gte(30), z.lte(1440)),
            180,
          ),
          horizonMinutes: z._default(
            z.number().check(z.int(), z.gte(15), z.lte(10_080)),
            360,
          ),
        }),
        { lookbackMinutes: 180, horizonMinutes: 360 },
      ),
      /** Replay settings of every recovery (see recoveryAppConfigSchema). */
      recovery: z._default(recoveryAppConfigSchema, {
        batchSize: RECOVERY_DEFAULTS.batchSize,
        maxConcurrency: RECOVERY_DEFAULTS.maxConcurrency,
        requestsPerSecond: RECOVERY_DEFAULTS.requestsPerSecond,
      }),
      /**
       * The weekly throughput-mode advisor (docs/advisor.md): its schedule
       * (an EventBridge schedule expression), the days of demand it reads,
       * the Provisioned sizing rule (the demand at most `tolerancePercent` of
       * the minutes exceed, plus `headroomPercent`), the smallest monthly
       * saving worth a switch, the credit share below which Bursting is
       * warned, and the weeks a snooze lasts.
       */
      advisor: z._default(
        z.object({
          schedule: z._default(
            z
              .string()
              .check(
                z.regex(
                  /^(rate|cron)\(.+\)$/,
                  'must be an EventBridge schedule expression: rate(...) or cron(...)',
                ),
              ),
            'rate(7 days)',
          ),
          days: z._default(z.number().check(z.int(), z.gte(1), z.lte(63)), 14),
          headroomPercent: z._default(
            z.number().check(z.gte(0), z.lte(200)),
            20,
          ),
          tolerancePercent: z._default(
            z.number().check(z.gte(0), z.lte(10)),
            0.1,
          ),
          minimumMonthlySavingUsd: z._default(z.number().check(z.gte(0)), 5),
          creditWarnPercent: z._default(
            z.number().check(z.gte(0), z.lte(100)),
            20,
          ),
          snoozeWeeks: z._default(
            z.number().check(z.int(), z.gte(1), z.lte(52)),
            4,
          ),
        }),
        {
          schedule: 'rate(7 days)',
          days: 14,
          headroomPercent: 20,
          tolerancePercent: 0.1,
          minimumMonthlySavingUsd: 5,
          creditWarnPercent: 20,
          snoozeWeeks: 4,
        },
      ),
      /**
       * Your own EFS prices (a discount, a newer price list): override the
       * dated table of the region in shared/domain/pricing.ts, field by field.
       */
      prices: z.optional(
        z.object({
          asOf: z.optional(z.string()),
          source: z.optional(z.string()),
          standardStorageUsdPerGbMonth: z.optional(
            z.number().check(z.nonnegative()),
          ),
          elasticReadUsdPerGb: z.optional(z.number().check(z.nonnegative())),
          elasticWriteUsdPerGb: z.optional(z.number().check(z.nonnegative())),
          provisionedUsdPerMibpsMonth: z.optional(
            z.number().check(z.nonnegative()),
          ),
        }),
      ),
    })
    .check(
      z.superRefine((config, ctx) => {
        // One replay function serves every file system: inside the VPC (no
        // NAT) it cannot reach a public Langfuse, outside it a private one.
        const recoverable = config.fileSystems
          .map((fs, i) => ({ i, inVpc: fs.recovery?.langfuseInVpc }))
          .filter((f) => f.inVpc !== undefined);
        const first = recoverable[0];
        const other = recoverable.find((f) => f.inVpc !== first?.inVpc);
        if (first && other) {
          ctx.addIssue({
            code: 'custom',
            path: ['fileSystems', other.i, 'recovery', 'langfuseInVpc'],
            message: `must be the same for every file system (fileSystems.${first.i} has ${first.inVpc}): one replay function serves them all, and inside the VPC it reaches no public Langfuse`,
          });
        }
        config.fileSystems.forEach((fs, i) => {
          const replicas = fs.clickhouseReplicas;
          if (
            (replicas || fs.clickhouseDiscoverReplicas) &&
            !fs.clickhouseUrl
          ) {
            ctx.addIssue({
              code: 'custom',
              path: [
                'fileSystems',
                i,
                replicas ? 'clickhouseReplicas' : 'clickhouseDiscoverReplicas',
              ],
              message:
                'needs clickhouseUrl too (the cluster Service the credentials and the top-level snapshot use)',
            });
          }
          if (replicas && fs.clickhouseDiscoverReplicas) {
            ctx.addIssue({
              code: 'custom',
              path: ['fileSystems', i, 'clickhouseDiscoverReplicas'],
              message:
                'set either clickhouseReplicas or clickhouseDiscoverReplicas, not both',
            });
          }
          if (replicas && new Set(replicas).size !== replicas.length) {
            ctx.addIssue({
              code: 'custom',
              path: ['fileSystems', i, 'clickhouseReplicas'],
              message: 'names a replica twice',
            });
          }
        });
        if (config.allowInsecureClickhouseHttp) return;
        const insecure =
          'must be https (plain http only with allowInsecureClickhouseHttp: true, for loopback and development)';
        config.fileSystems.forEach((fs, i) => {
          if (
            fs.clickhouseUrl &&
            new URL(fs.clickhouseUrl).protocol === 'http:'
          ) {
            ctx.addIssue({
              code: 'custom',
              path: ['fileSystems', i, 'clickhouseUrl'],
              message: insecure,
            });
          }
          fs.clickhouseReplicas?.forEach((url, j) => {
            if (new URL(url).protocol === 'http:') {
              ctx.addIssue({
                code: 'custom',
                path: ['fileSystems', i, 'clickhouseReplicas', j],
                message: insecure,
              });
            }
          });
        });
      }),
    ),
);
export type AppConfig = z.infer<typeof appConfigSchema>;

/** Parses and checks the configuration; one clear line when it is wrong. */
export function parseConfig(raw: unknown): AppConfig {
  return parseOrThrow(appConfigSchema, raw, CONFIGURATION_FAILS);
}

/** How a configuration that does not parse is reported. */
export const CONFIGURATION_FAILS = {
  error: ConfigurationError,
  what: 'configuration',
  root: '(root)',
  otherwise: 'invalid',
};

/**
 * Who approves (the approvers, and the Slack user group the card mentions
 * instead, when one is configured), and how long a round of asking lasts,
 * in seconds.
 */
export function approvalSettings(config: AppConfig): {
  approvers: readonly string[];
  approverGroupId?: string;
  roundSeconds: number;
} {
  return {
    approvers: config.approvers,
    ...(config.approverGroupId
      ? { approverGroupId: config.approverGroupId }
      : {}),
    roundSeconds: config.approvalEscalationMinutes * 60,
  };
}

/** The configured entry for a file system, or undefined. */
export function findFileSystem(
  config: AppConfig,
  fileSystemId: string,
): FileSystemConfig | undefined {
  return config.fileSystems.find((f) => f.fileSystemId === fileSystemId);
}
