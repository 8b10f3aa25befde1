/**
 * Credentials per file system: the `ClickHouseCredentials` secret holds
 * JSON keyed by file system id, each with the ClickHouse user, password
 * and optional private CA of the Langfuse deployment on that file system
 * (and its Langfuse admin API key, which burstguard accepts and checks
 * but does not use yet). The older per-stage `ClickHousePassword` and
 * `ClickHouseCaCertificate` secrets stay as the default of every file
 * system the JSON does not name. Checked at deploy (infra/app.ts) and at
 * cold start (shared/adapters/wiring/clickhouse.ts) with the same rules;
 * an error names the file system and the field, never a value.
 */
import * as z from 'zod/mini';
import type { AppConfig } from './config.ts';
import { ConfigurationError } from './errors.ts';
import { schema } from './schema.ts';

/** The SST secret of per-file-system credentials. */
export const CREDENTIALS_SECRET = 'ClickHouseCredentials';

const PEM_CERTIFICATE =
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * A PEM CA certificate, blank for the system's public CAs (undefined).
 * @clickhouse/client hands it to Node's TLS as `ca`.
 */
export function pemCertificate(
  value: string,
  where: string,
): string | undefined {
  const pem = value.trim();
  if (pem === '') return undefined;
  if (!PEM_CERTIFICATE.test(pem)) {
    throw new ConfigurationError(
      `${where} is not a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)`,
    );
  }
  return pem;
}

const nonEmpty = /* @__PURE__ */ schema(() =>
  z.string().check(z.minLength(1, 'must be a non-empty string')),
);

// Messages are fixed texts: zod's own may quote the input, which is secret.
const entrySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    clickhouseUser: nonEmpty,
    clickhousePassword: nonEmpty,
    clickhouseCaCert: z.optional(z.string()),
    langfuseAdminKey: z.optional(nonEmpty),
  }),
);

/** One file system's entry of the secret, as written. */
export type FileSystemCredentialsEntry = z.infer<typeof entrySchema>;

/** What the ClickHouse client of one file system logs in with. */
export type ClickHouseLogin = {
  username: string;
  password: string;
  caCertPem?: string;
  /** Which secret the password came from, for the deploy output. */
  source: typeof CREDENTIALS_SECRET | 'ClickHousePassword';
};

/** The secrets as SST gives them (unset ones hold their placeholder). */
export type ClickHouseSecrets = {
  /** `ClickHouseCredentials`: JSON keyed by file system id, or blank. */
  credentials?: string;
  /** `ClickHousePassword`: the per-stage default, blank when unset. */
  password: string;
  /** `ClickHouseCaCertificate`: the per-stage default CA, blank for none. */
  caCertificate: string;
};

type Issue = {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
};

function fieldError(fileSystemId: string, issue: Issue): ConfigurationError {
  const field = issue.path[0];
  if (issue.code === 'unrecognized_keys') {
    return new ConfigurationError(
      `${CREDENTIALS_SECRET} ${fileSystemId}: unknown field ${(issue.keys ?? []).join(', ')} (allowed: ${Object.keys(entrySchema.shape).join(', ')})`,
    );
  }
  if (field === undefined) {
    return new ConfigurationError(
      `${CREDENTIALS_SECRET} ${fileSystemId}: must be an object with clickhouseUser and clickhousePassword`,
    );
  }
  const what =
    issue.code !== 'invalid_type'
      ? issue.message
      : field === 'clickhouseCaCert'
        ? 'must be a string'
        : 'must be a non-empty string';
  return new ConfigurationError(
    `${CREDENTIALS_SECRET} ${fileSystemId}: ${String(field)} ${what}`,
  );
}

/**
 * Parses the secret against the configuration: every key a configured file
 * system, every entry complete. Blank means no entries.
 */
export function parseCredentialsSecret(
  text: string | undefined,
  config: Pick<AppConfig, 'fileSystems'>,
): Map<string, FileSystemCredentialsEntry> {
  const entries = new Map<string, FileSystemCredentialsEntry>();
  if (!text || text.trim() === '') return entries;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // No cause: JSON.parse's message quotes the text, which is secret.
    throw new ConfigurationError(
      `${CREDENTIALS_SECRET} is not JSON: give an object keyed by file system id`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigurationError(
      `${CREDENTIALS_SECRET} must be a JSON object keyed by file system id`,
    );
  }
  const configured = new Set(config.fileSystems.map((f) => f.fileSystemId));
  for (const [fileSystemId, value] of Object.entries(raw)) {
    if (!configured.has(fileSystemId)) {
      throw new ConfigurationError(
        `${CREDENTIALS_SECRET} ${fileSystemId}: not a file system of the configuration (fileSystems[].fileSystemId)`,
      );
    }
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) {
      throw fieldError(fileSystemId, parsed.error.issues[0] as Issue);
    }
    const { clickhouseCaCert } = parsed.data;
    if (clickhouseCaCert !== undefined) {
      pemCertificate(
        clickhouseCaCert,
        `${CREDENTIALS_SECRET} ${fileSystemId}: clickhouseCaCert`,
      );
    }
    entries.set(fileSystemId, parsed.data);
  }
  return entries;
}

/**
 * The login of every file system that names a `clickhouseUrl`: its entry
 * in `ClickHouseCredentials`, or else the configured `clickhouseUser` with
 * the per-stage `ClickHousePassword`. A file system with neither stops
 * here, rather than logging in with an empty password.
 */
export function clickhouseLogins(
  config: Pick<AppConfig, 'fileSystems'>,
  secrets: ClickHouseSecrets,
): Map<string, ClickHouseLogin> {
  const entries = parseCredentialsSecret(secrets.credentials, config);
  const stageCa = pemCertificate(
    secrets.caCertificate,
    'ClickHouseCaCertificate',
  );
  const logins = new Map<string, ClickHouseLogin>();
  for (const fs of config.fileSystems) {
    if (!fs.clickhouseUrl) continue;
    const entry = entries.get(fs.fileSystemId);
    const caCertPem = entry?.clickhouseCaCert
      ? pemCertificate(entry.clickhouseCaCert, fs.fileSystemId)
      : stageCa;
    const ca = caCertPem ? { caCertPem } : {};
    if (entry) {
      logins.set(fs.fileSystemId, {
        username: entry.clickhouseUser,
        password: entry.clickhousePassword,
        ...ca,
        source: CREDENTIALS_SECRET,
      });
    } else if (secrets.password !== '') {
      logins.set(fs.fileSystemId, {
        username: fs.clickhouseUser,
        password: secrets.password,
        ...ca,
        source: 'ClickHousePassword',
      });
    } else {
      throw new ConfigurationError(
        `${CREDENTIALS_SECRET} ${fs.fileSystemId}: no entry for this file system, which names a clickhouseUrl, and no ClickHousePassword default is set`,
      );
    }
  }
  return logins;
}
