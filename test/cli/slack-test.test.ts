/**
 * `burstguard slack-test` with the real @slack/web-api client against the
 * loopback Slack double (test/support/slack-double.ts), the bot token as
 * `npx sst shell` hands it over: `SST_RESOURCE_SlackBotToken` holding
 * `{"value", "type": "sst.sst.Secret"}` (SST docs, "sst shell": linked
 * resources reach the command as SST_RESOURCE_* variables that the JS
 * SDK's `Resource` reads).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  afterAll,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from 'vitest';
import {
  botToken,
  runSlackTest,
  slackTestMessage,
} from '../../cli/commands/slack-test.ts';
import { main } from '../../cli/main.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { capture, useTempDirs } from '../support/io.ts';
import { type SlackDouble, startSlackDouble } from '../support/slack-double.ts';
import { slackRefusal } from '../support/slack-limits.ts';

const TOKEN = 'xoxb-111-222-slacktestTOKEN';
const CHANNEL = 'C0123TEST';
const tempDir = useTempDirs();
let slack: SlackDouble;
let configFile: string;

beforeAll(async () => {
  slack = await startSlackDouble();
  slack.requireToken(TOKEN);
  configFile = join(await tempDir('burstguard-slack-test-'), 'config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      region: 'us-east-1',
      fileSystems: [{ fileSystemId: FS_ID, name: 'langfuse <!channel>' }],
      slackChannel: CHANNEL,
      slackApiUrl: slack.url,
    }),
  );
});

afterAll(async () => {
  await slack?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
});

/** The environment of `npx sst shell -- npx burstguard slack-test`. */
function shellEnv(token = TOKEN): NodeJS.ProcessEnv {
  return {
    BURSTGUARD_CONFIG_FILE: configFile,
    SST_RESOURCE_SlackBotToken: JSON.stringify({
      value: token,
      type: 'sst.sst.Secret',
    }),
  };
}

describe('burstguard slack-test', () => {
  it('posts one message to the configured channel with the deployed token', async () => {
    // Prepare
    const { out, io } = capture();

    // Act
    const code = await runSlackTest(
      {},
      io,
      shellEnv(),
      () => 'https://abc.lambda-url.us-east-1.on.aws/',
    );

    // Assess
    expect(code).toBe(0);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    const [call] = slack.calls;
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.body).toMatchObject({
      channel: CHANNEL,
      text: expect.stringMatching(/^burstguard can post here/),
    });
    expect(out.join('')).toMatch(
      new RegExp(
        `^posted to ${CHANNEL} \\(ts [0-9.]+\\), configuration ${configFile}\\n`,
      ),
    );
    expect(out.join('')).toContain(
      'Interactivity Request URL for the Slack app: https://abc.lambda-url.us-east-1.on.aws/',
    );
    expect(out.join('')).not.toContain(TOKEN);
  });

  it('posts to the channel --channel names', async () => {
    // Prepare
    const { io } = capture();

    // Act
    await runSlackTest(
      { channel: 'C0OTHER99' },
      io,
      shellEnv(),
      () => undefined,
    );

    // Assess
    expect(slack.calls[0]?.body.channel).toBe('C0OTHER99');
  });

  it('takes SLACK_BOT_TOKEN before the linked secret', () => {
    // Prepare / Act / Assess
    expect(
      botToken({ ...shellEnv('xoxb-linked'), SLACK_BOT_TOKEN: TOKEN }),
    ).toBe(TOKEN);
    expect(botToken(shellEnv('xoxb-linked'))).toBe('xoxb-linked');
  });

  it('escapes the configured names and stays within Slack limits', () => {
    // Prepare / Act
    const message = slackTestMessage(CHANNEL, [
      { fileSystemId: FS_ID, name: 'langfuse <!channel> & co' },
    ]);

    // Assess
    const section = JSON.stringify(message.blocks);
    expect(section).toContain('langfuse &lt;!channel&gt; &amp; co');
    expect(section).not.toContain('<!channel>');
    expect(
      slackRefusal({ text: message.text, blocks: message.blocks }),
    ).toBeUndefined();
  });
});

describe('burstguard slack-test through main', () => {
  /** Runs `burstguard slack-test ARGS` with `env` as process.env. */
  async function run(args: string[], env: NodeJS.ProcessEnv) {
    vi.stubEnv('SLACK_BOT_TOKEN', undefined);
    vi.stubEnv('SST_RESOURCE_SlackBotToken', undefined);
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const { out, err, io } = capture();
    try {
      const code = await main(['slack-test', ...args], io);
      return { code, out: out.join(''), err: err.join('') };
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it('says how to invite the bot when it is not in the channel', async () => {
    // Prepare
    slack.leaveChannel(CHANNEL);

    // Act
    const { code, err } = await run([], shellEnv());

    // Assess
    expect(code).toBe(1);
    expect(err).toBe(
      `burstguard slack-test: slack chat.postMessage: Slack answered ok=false: not_in_channel (channel ${CHANNEL}; invite the bot: type /invite @burstguard in the channel)\n`,
    );
  });

  it('says the token is wrong, and never prints it', async () => {
    // Prepare
    const wrong = 'xoxb-999-888-notTheToken';

    // Act
    const { code, err, out } = await run(
      ['--channel', 'C0OTHER99'],
      shellEnv(wrong),
    );

    // Assess
    expect(code).toBe(1);
    expect(err).toBe(
      'burstguard slack-test: slack chat.postMessage: Slack answered ok=false: invalid_auth (channel C0OTHER99; the token is not a valid bot token: copy the Bot User OAuth Token (xoxb-…) again)\n',
    );
    expect(err + out).not.toContain(wrong);
  });

  it('says where the token comes from when there is none', async () => {
    // Prepare / Act
    const { code, err } = await run([], { BURSTGUARD_CONFIG_FILE: configFile });

    // Assess
    expect(code).toBe(1);
    expect(err).toBe(
      'burstguard slack-test: no bot token: run it as `npx sst shell --stage STAGE -- npx burstguard slack-test` (the deployed SlackBotToken secret), or set SLACK_BOT_TOKEN\n',
    );
    expect(slack.calls).toEqual([]);
  });

  it('refuses an extra argument as a usage error', async () => {
    // Prepare / Act
    const { code, err } = await run(['C0123TEST'], shellEnv());

    // Assess
    expect(code).toBe(2);
    expect(err).toMatch(
      /^burstguard slack-test: unexpected argument "C0123TEST" \(slack-test takes no arguments, only flags\) \(try burstguard slack-test --help\)\n$/,
    );
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(slack.calls).toEqual([]);
  });
});
