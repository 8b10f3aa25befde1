import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/domain/config.ts';
import { ConfigurationError } from '../../shared/domain/errors.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';

const base = { fileSystems: [{ fileSystemId: FS_ID }] };

/** The configuration `base` with `patch` is refused with this one line. */
function expectRefused(patch: Record<string, unknown>, line: RegExp) {
  const attempt = () => parseConfig({ ...base, ...patch });
  expect(attempt).toThrow(ConfigurationError);
  expect(attempt).toThrow(line);
}

describe('slackApiUrl', () => {
  it('is absent by default, so the client uses Slack itself', () => {
    expect(parseConfig(base).slackApiUrl).toBeUndefined();
  });

  it.each([
    'https://slack.example.com/api/',
    'http://127.0.0.1:8080/api/',
    'http://localhost:9000/api/',
  ])('accepts %s', (url) => {
    expect(parseConfig({ ...base, slackApiUrl: url }).slackApiUrl).toBe(url);
  });

  it.each([
    'http://slack.example.com/api/',
    'http://10.0.0.5/api/',
    'not a url',
  ])('refuses %s: the bot token would travel in clear or nowhere', (url) => {
    expectRefused({ slackApiUrl: url }, /^configuration slackApiUrl: /);
  });
});

describe('clickhouseUrl', () => {
  const withUrl = (clickhouseUrl: string, extra: object = {}) => ({
    ...extra,
    fileSystems: [{ fileSystemId: FS_ID, clickhouseUrl }],
  });

  it.each(['https://clickhouse.internal:8443', 'https://ch.example.com/'])(
    'accepts %s',
    (url) => {
      expect(parseConfig(withUrl(url)).fileSystems[0]?.clickhouseUrl).toBe(url);
    },
  );

  it('refuses plain http unless allowInsecureClickhouseHttp is true', () => {
    const url = 'http://127.0.0.1:8123';

    expect(() => parseConfig(withUrl(url))).toThrow(
      new ConfigurationError(
        'configuration fileSystems.0.clickhouseUrl: must be https (plain http only with allowInsecureClickhouseHttp: true, for loopback and development)',
      ),
    );
    expect(
      parseConfig(withUrl(url, { allowInsecureClickhouseHttp: true }))
        .fileSystems[0]?.clickhouseUrl,
    ).toBe(url);
  });

  it.each([
    ['https://burstguard:s3cret@ch.internal:8443', true],
    ['https://burstguard@ch.internal:8443', false],
    ['http://burstguard:s3cret@127.0.0.1:8123', true],
  ])(
    'refuses credentials in %s, even where http is allowed',
    (url, insecure) => {
      const attempt = () =>
        parseConfig(withUrl(url, { allowInsecureClickhouseHttp: insecure }));

      expect(attempt).toThrow(
        new ConfigurationError(
          'configuration fileSystems.0.clickhouseUrl: must carry no credentials (user:password@): set clickhouseUser, and the password as the ClickHousePassword secret',
        ),
      );
    },
  );

  it.each([
    // Parameters @clickhouse/client reads from the URL and lets override
    // the code's own settings (client-common config.js,
    // loadConfigOptionsFromURL).
    'https://ch.internal:8443/?access_token=eyJhbGciOi',
    'https://ch.internal:8443/?http_header_Authorization=Basic%20Yjpz',
    'https://ch.internal:8443/?request_timeout=0&log_level=TRACE',
    'https://ch.internal:8443/?clickhouse_setting_readonly=0',
    'https://ch.internal:8443/#fragment',
    'https://ch.internal:8443/?',
  ])('refuses a query string or fragment in %s', (url) => {
    expect(() => parseConfig(withUrl(url, {}))).toThrow(
      new ConfigurationError(
        'configuration fileSystems.0.clickhouseUrl: must carry no query string or fragment: @clickhouse/client would read settings and credentials from it; burstguard sets its own',
      ),
    );
  });

  it.each([
    ['ftp://ch.internal/', 'ftp:'],
    ['file:///etc/passwd', 'file:'],
    ['clickhouse://ch.internal:9000', 'clickhouse:'],
  ])('refuses the scheme of %s', (url, scheme) => {
    expect(() =>
      parseConfig(withUrl(url, { allowInsecureClickhouseHttp: true })),
    ).toThrow(
      new ConfigurationError(
        `configuration fileSystems.0.clickhouseUrl: must be an https:// URL, not ${scheme}`,
      ),
    );
  });

  it('keeps the error to one line that names the field', () => {
    expect(() => parseConfig(withUrl('http://ch.internal'))).toThrow(
      /^configuration fileSystems\.0\.clickhouseUrl: [^\n]+$/,
    );
  });
});

describe('approverGroupId', () => {
  it('is absent by default: the card mentions each approver', () => {
    expect(parseConfig(base).approverGroupId).toBeUndefined();
  });

  it('takes a Slack user group id', () => {
    expect(
      parseConfig({ ...base, approverGroupId: 'S0123ABCD' }).approverGroupId,
    ).toBe('S0123ABCD');
  });

  it.each([
    'U0123ABCD',
    's0123abcd',
    '<!subteam^S0123ABCD>',
    'S0123ABCD> <!channel',
  ])('refuses %s with one line naming the field', (id) => {
    expectRefused(
      { approverGroupId: id },
      /^[^\n]*approverGroupId[^\n]*must be a Slack user group id[^\n]*$/,
    );
  });
});

describe('approvalEscalationMinutes', () => {
  it.each([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60])(
    'accepts %i, which divides the hour',
    (minutes) => {
      expect(
        parseConfig({ ...base, approvalEscalationMinutes: minutes })
          .approvalEscalationMinutes,
      ).toBe(minutes);
    },
  );

  it.each([7, 25, 45, 59, 0, 61])(
    'refuses %i: the rounds would not end when the card says the request expires',
    (minutes) => {
      expectRefused(
        { approvalEscalationMinutes: minutes },
        /^configuration approvalEscalationMinutes: [^\n]*$/,
      );
    },
  );

  it('refuses 7 with the minutes that divide the hour', () => {
    expectRefused(
      { approvalEscalationMinutes: 7 },
      /must divide the hour \(1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60\)/,
    );
  });
});

describe('recovery', () => {
  /** Refused with a ConfigurationError of exactly one line starting so. */
  function refuses(attempt: () => unknown, line: string) {
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(line);
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.startsWith(line)).toBe(true);
    expect(message).not.toContain('\n');
  }

  const FS_ONLY = { fileSystemId: 'fs-0123456789abcdef0' };
  const withRecovery = (recovery: Record<string, unknown>, app = {}) => ({
    fileSystems: [
      {
        ...FS_ONLY,
        recovery: {
          eventsBucket: 'langfuse-events',
          langfuseUrl: 'https://langfuse.example.com',
          ...recovery,
        },
      },
    ],
    ...app,
  });

  it('takes the operator guide defaults and a per-file-system approve policy', () => {
    // Act
    const config = parseConfig(withRecovery({}));

    // Assess
    expect(config.recovery).toEqual({
      batchSize: 500,
      maxConcurrency: 4,
      requestsPerSecond: 50,
    });
    expect(config.fileSystems[0]?.recovery).toEqual({
      eventsBucket: 'langfuse-events',
      eventsPrefix: '',
      langfuseUrl: 'https://langfuse.example.com',
      langfuseInVpc: false,
      policy: 'approve',
    });
  });

  it('is absent for a file system that does not configure it', () => {
    // Act
    const config = parseConfig({ fileSystems: [FS_ONLY] });

    // Assess
    expect(config.fileSystems[0]?.recovery).toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:3000', true],
    ['http://localhost:3000', true],
    ['http://langfuse.internal', false],
    ['ftp://langfuse.example.com', false],
  ])('takes langfuseUrl %s only when https or loopback (%s)', (url, ok) => {
    // Act
    const attempt = () => parseConfig(withRecovery({ langfuseUrl: url }));

    // Assess
    if (ok) expect(attempt).not.toThrow();
    else
      refuses(
        attempt,
        'configuration fileSystems.0.recovery.langfuseUrl: must be https (or http on loopback)',
      );
  });

  it('refuses a batch over the endpoint limit of 1,000 keys in one line', () => {
    refuses(
      () => parseConfig(withRecovery({}, { recovery: { batchSize: 1001 } })),
      'configuration recovery.batchSize: must be 1 to 1000 keys (the ingestion-replay limit)',
    );
  });

  it('refuses a bucket name S3 would not take', () => {
    refuses(
      () => parseConfig(withRecovery({ eventsBucket: 'Langfuse_Events' })),
      'configuration fileSystems.0.recovery.eventsBucket: must be an S3 bucket name',
    );
  });

  it('refuses a private Langfuse beside a public one, in one line', () => {
    // Arrange: one replay function serves both file systems.
    const recovery = (langfuseInVpc: boolean) => ({
      eventsBucket: 'langfuse-events',
      langfuseUrl: 'https://langfuse.example.com',
      langfuseInVpc,
    });

    // Act / Assess
    refuses(
      () =>
        parseConfig({
          fileSystems: [
            { ...FS_ONLY, recovery: recovery(true) },
            { fileSystemId: 'fs-0fedcba9876543210', recovery: recovery(false) },
          ],
        }),
      'configuration fileSystems.1.recovery.langfuseInVpc: must be the same for every file system (fileSystems.0 has true)',
    );
    expect(() =>
      parseConfig({
        fileSystems: [
          { ...FS_ONLY, recovery: recovery(true) },
          { fileSystemId: 'fs-0fedcba9876543210' },
        ],
      }),
    ).not.toThrow();
  });
});
