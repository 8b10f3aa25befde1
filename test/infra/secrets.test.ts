/**
 * The secrets as `sst deploy` sees them: the SST CLI gives sst.config.ts
 * each set secret as `SST_SECRET_<name>`, and `sst.Secret` falls back to its
 * placeholder (sst platform `src/components/secret.ts`). The per-file-system
 * ClickHouse credentials are checked there before anything is created.
 */
import { describe, expect, it } from 'vitest';
import {
  checkLangfuseAdminKeys,
  clickhouseCredentialSources,
  deploySecret,
} from '../../infra/secrets.ts';
import { parseConfig } from '../../shared/domain/config.ts';
import { ConfigurationError } from '../../shared/domain/errors.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';

const PASSWORD = 'per-fs-S3cret-value';
const ADMIN_KEY = 'langfuse-admin-K3y-value';
const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBqDCCAU2gAwIBAgIUEgRN3xGK72rBjLSnHXzd1E2x59ow
-----END CERTIFICATE-----`;

/** Both file systems name a ClickHouse, as burstguard.config.json would. */
const config = parseConfig({
  region: 'us-east-1',
  fileSystems: [
    {
      fileSystemId: FS_ID,
      clickhouseUrl: 'https://clickhouse-a.internal:8443',
    },
    {
      fileSystemId: OTHER_FS_ID,
      clickhouseUrl: 'https://clickhouse-b.internal:8443',
      clickhouseUser: 'burstguard',
    },
  ],
});

function envWith(secrets: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(secrets).map(([name, value]) => [
      `SST_SECRET_${name}`,
      value,
    ]),
  );
}

/** The one error line a deploy stops with, checked to carry no secret. */
function deployError(secrets: Record<string, string>): string {
  try {
    clickhouseCredentialSources(config, envWith(secrets));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    for (const secret of [PASSWORD, ADMIN_KEY, 'xoxb-', 'MIIB']) {
      expect(message).not.toContain(secret);
    }
    return message;
  }
  throw new Error('deploy went on');
}

const entry = (fields: Record<string, unknown> = {}) => ({
  clickhouseUser: 'burstguard',
  clickhousePassword: PASSWORD,
  ...fields,
});

/** The secrets with `value` as FS_ID's entry, and a per-stage default. */
const withEntryOfFsA = (value: unknown) => ({
  ClickHouseCredentials: JSON.stringify({ [FS_ID]: value }),
  ClickHousePassword: 'stage-default',
});

describe('deploySecret', () => {
  it('reads a set secret from SST_SECRET_<name>, else its placeholder', () => {
    // Prepare / Act / Assess
    expect(
      deploySecret(
        { SST_SECRET_ClickHousePassword: 'x' },
        'ClickHousePassword',
      ),
    ).toBe('x');
    expect(deploySecret({}, 'ClickHouseCredentials')).toBe('');
    expect(deploySecret({}, 'SlackBotToken')).toBeUndefined();
  });
});

describe('the ClickHouse credentials at deploy', () => {
  it('says where each file system logs in from', () => {
    // Prepare
    const env = envWith({
      ClickHouseCredentials: JSON.stringify({
        [FS_ID]: entry({
          clickhouseCaCert: CA_PEM,
          langfuseAdminKey: ADMIN_KEY,
        }),
      }),
      ClickHousePassword: 'stage-default',
    });

    // Act
    const sources = clickhouseCredentialSources(config, env);

    // Assess
    expect(sources).toEqual([
      `${FS_ID} ClickHouseCredentials`,
      `${OTHER_FS_ID} ClickHousePassword`,
    ]);
  });

  it('keeps the per-stage password for every file system when the JSON is unset', () => {
    // Prepare / Act
    const sources = clickhouseCredentialSources(
      config,
      envWith({ ClickHousePassword: 'stage-default' }),
    );

    // Assess
    expect(sources).toEqual([
      `${FS_ID} ClickHousePassword`,
      `${OTHER_FS_ID} ClickHousePassword`,
    ]);
  });

  it.each([
    [
      'a file system with neither',
      { ClickHouseCredentials: JSON.stringify({ [FS_ID]: entry() }) },
      `ClickHouseCredentials ${OTHER_FS_ID}: no entry for this file system, which names a clickhouseUrl, and no ClickHousePassword default is set`,
    ],
    [
      'a file system id the configuration does not list',
      {
        ClickHouseCredentials: JSON.stringify({
          'fs-00000000000000000': entry(),
        }),
        ClickHousePassword: 'stage-default',
      },
      'ClickHouseCredentials fs-00000000000000000: not a file system of the configuration (fileSystems[].fileSystemId)',
    ],
    [
      'a missing password',
      withEntryOfFsA({ clickhouseUser: 'burstguard' }),
      `ClickHouseCredentials ${FS_ID}: clickhousePassword must be a non-empty string`,
    ],
    [
      'an empty user',
      withEntryOfFsA(entry({ clickhouseUser: '' })),
      `ClickHouseCredentials ${FS_ID}: clickhouseUser must be a non-empty string`,
    ],
    [
      'a password that is a number',
      withEntryOfFsA(entry({ clickhousePassword: 12345678 })),
      `ClickHouseCredentials ${FS_ID}: clickhousePassword must be a non-empty string`,
    ],
    [
      'an empty Langfuse admin key',
      withEntryOfFsA(entry({ langfuseAdminKey: '' })),
      `ClickHouseCredentials ${FS_ID}: langfuseAdminKey must be a non-empty string`,
    ],
    [
      'a CA that is no PEM certificate',
      withEntryOfFsA(entry({ clickhouseCaCert: 'MIIBqDCCAU2gAwIBAgIU' })),
      `ClickHouseCredentials ${FS_ID}: clickhouseCaCert is not a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)`,
    ],
    [
      'an unknown field',
      withEntryOfFsA(entry({ clickhousePasword: PASSWORD })),
      `ClickHouseCredentials ${FS_ID}: unknown field clickhousePasword (allowed: clickhouseUser, clickhousePassword, clickhouseCaCert, langfuseAdminKey)`,
    ],
    [
      'an entry that is not an object',
      withEntryOfFsA(PASSWORD),
      `ClickHouseCredentials ${FS_ID}: must be an object with clickhouseUser and clickhousePassword`,
    ],
    [
      'text that is not JSON',
      { ClickHouseCredentials: `{"${FS_ID}": ${PASSWORD}}` },
      'ClickHouseCredentials is not JSON: give an object keyed by file system id',
    ],
    [
      'JSON that is an array',
      { ClickHouseCredentials: JSON.stringify([entry()]) },
      'ClickHouseCredentials must be a JSON object keyed by file system id',
    ],
    [
      'a per-stage CA that is no PEM certificate',
      {
        ClickHousePassword: 'stage-default',
        ClickHouseCaCertificate: 'MIIBqDCCAU2gAwIBAgIU',
      },
      'ClickHouseCaCertificate is not a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)',
    ],
  ])('stops the deploy on %s, with one line naming it', (_, secrets, line) => {
    // Prepare / Act / Assess
    expect(deployError(secrets)).toBe(line);
  });
});

describe('checkLangfuseAdminKeys', () => {
  const recoverable = parseConfig({
    region: 'us-east-1',
    fileSystems: [
      {
        fileSystemId: FS_ID,
        clickhouseUrl: 'https://clickhouse-a.internal:8443',
        recovery: {
          eventsBucket: 'langfuse-events',
          langfuseUrl: 'https://langfuse.example.com',
        },
      },
      { fileSystemId: OTHER_FS_ID },
    ],
  });

  it('stops a deploy whose recoverable file system has no admin key, in one line naming it', () => {
    // Act
    const attempt = () =>
      checkLangfuseAdminKeys(
        recoverable,
        envWith({
          ClickHouseCredentials: JSON.stringify({ [FS_ID]: entry() }),
        }),
      );

    // Assess
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      `ClickHouseCredentials ${FS_ID}: langfuseAdminKey is missing`,
    );
  });

  it('lets it through with the key, and asks nothing of a file system without recovery', () => {
    expect(() =>
      checkLangfuseAdminKeys(
        recoverable,
        envWith({
          ClickHouseCredentials: JSON.stringify({
            [FS_ID]: entry({ langfuseAdminKey: ADMIN_KEY }),
          }),
        }),
      ),
    ).not.toThrow();
    expect(() => checkLangfuseAdminKeys(config, envWith({}))).not.toThrow();
  });
});
