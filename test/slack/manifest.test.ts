/**
 * The Slack app manifest of slack/manifest.json, against Slack's app
 * manifest reference (https://docs.slack.dev/reference/app-manifest, and
 * the types @slack/web-api ships from it:
 * `dist/types/request/manifest.d.ts`, read here from node_modules): the
 * required fields, their limits, scope names that exist, and exactly the
 * bot scopes of the Web API methods the code calls, each mapped to its
 * documented scope.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const ROOT = new URL('../../', import.meta.url).pathname;
const manifest = JSON.parse(
  readFileSync(join(ROOT, 'slack/manifest.json'), 'utf8'),
) as Record<string, unknown>;

/** @slack/web-api's manifest types, the reference in machine form. */
const REFERENCE = readFileSync(
  join(
    dirname(createRequire(import.meta.url).resolve('@slack/web-api')),
    'types/request/manifest.d.ts',
  ),
  'utf8',
);

/** The members of a string-literal union type of the reference. */
function unionMembers(typeName: string): Set<string> {
  const match = REFERENCE.match(new RegExp(`type ${typeName} = ([^;]+);`));
  if (!match?.[1]) throw new Error(`${typeName} not in manifest.d.ts`);
  return new Set([...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1] ?? ''));
}

/**
 * The bot scope each Web API method needs, from each method's page of the
 * Slack API reference ("Required scopes"), e.g.
 * https://docs.slack.dev/reference/methods/chat.postMessage, and the
 * scopes' pages listing their methods: chat:write
 * (https://docs.slack.dev/reference/scopes/chat.write: chat.postMessage,
 * chat.update, chat.postEphemeral, chat.delete), files:write
 * (https://docs.slack.dev/reference/scopes/files.write:
 * files.getUploadURLExternal, files.completeUploadExternal; the client's
 * `filesUploadV2` calls those two). A method the code calls that is not
 * here fails the test until its scope is added from its page.
 */
const METHOD_SCOPES: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.delete': 'chat:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'files.uploadV2': 'files:write',
};

/** WebClient's method namespaces (@slack/web-api `methods.ts`). */
const NAMESPACES =
  'admin|api|apps|assistant|auth|bookmarks|bots|calls|canvases|chat|conversations|dnd|emoji|files|functions|pins|reactions|reminders|search|team|usergroups|users|views|workflows';
const CALL = new RegExp(
  `\\.(${NAMESPACES})\\.([A-Za-z]+(?:\\.[A-Za-z]+)*)\\(|\\.apiCall\\(\\s*'([^']+)'|\\.(filesUploadV2)\\(`,
  'g',
);

/** Every .ts file of the code that ships (not tests, not dependencies). */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {
    recursive: true,
    withFileTypes: true,
  })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** The Web API methods the code calls, by method name. */
function calledMethods(): Set<string> {
  const methods = new Set<string>();
  for (const file of ['shared', 'functions', 'cli', 'local'].flatMap(
    sourceFiles,
  )) {
    for (const m of readFileSync(file, 'utf8').matchAll(CALL)) {
      // `files.map(` on an array named files is not a Web API call.
      if (m[1] && m[2] && !(m[2] in Array.prototype)) {
        methods.add(`${m[1]}.${m[2]}`);
      }
      if (m[3]) methods.add(m[3]);
      if (m[4]) methods.add('files.uploadV2');
    }
  }
  return methods;
}

// The fields of the reference burstguard's manifest uses, with the limits
// and required members it states; strict, so a misspelt field fails.
const manifestSchema = z
  .object({
    _metadata: z
      .object({
        major_version: z.union([z.literal(1), z.literal(2)]),
        minor_version: z.number().int().optional(),
      })
      .strict(),
    display_information: z
      .object({
        name: z.string().min(1).max(35),
        description: z.string().max(140).optional(),
        long_description: z.string().max(4000).optional(),
        background_color: z
          .string()
          .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/)
          .optional(),
      })
      .strict(),
    features: z
      .object({
        bot_user: z
          .object({
            display_name: z
              .string()
              .max(80)
              .regex(/^[a-z0-9._-]+$/),
            always_online: z.boolean().optional(),
          })
          .strict(),
      })
      .strict(),
    oauth_config: z
      .object({
        scopes: z.object({ bot: z.array(z.string()).min(1).max(255) }).strict(),
      })
      .strict(),
    settings: z
      .object({
        interactivity: z
          .object({
            is_enabled: z.boolean(),
            request_url: z.url({ protocol: /^https$/ }),
          })
          .strict(),
        org_deploy_enabled: z.boolean(),
        socket_mode_enabled: z.boolean(),
        token_rotation_enabled: z.boolean(),
      })
      .strict(),
  })
  .strict();

describe('the Slack app manifest', () => {
  it('has the shape and limits of the manifest reference', () => {
    // Prepare / Act
    const parsed = manifestSchema.safeParse(manifest);

    // Assess
    expect(parsed.error?.issues ?? []).toEqual([]);
    // Every top-level field is one the reference's Manifest declares.
    for (const key of Object.keys(manifest)) {
      expect(REFERENCE).toMatch(new RegExp(`\\n\\s+${key}\\??: `));
    }
  });

  it('asks only for bot scopes that exist', () => {
    // Prepare
    const botScopes = unionMembers('BotScope');
    const scopes = manifestSchema.parse(manifest).oauth_config.scopes.bot;

    // Act
    const unknown = scopes.filter((s) => !botScopes.has(s));

    // Assess
    expect(botScopes.has('chat:write')).toBe(true);
    expect(unknown).toEqual([]);
  });

  it('asks for exactly the scopes of the Web API methods the code calls', () => {
    // Prepare
    const methods = calledMethods();
    const scopes = manifestSchema.parse(manifest).oauth_config.scopes.bot;

    // Act
    const unmapped = [...methods].filter((m) => !(m in METHOD_SCOPES));
    const needed = new Set([...methods].map((m) => METHOD_SCOPES[m]));

    // Assess: the scan sees the adapter's calls, and each has its scope.
    expect(methods).toContain('chat.postMessage');
    expect(methods).toContain('chat.update');
    expect(unmapped).toEqual([]);
    expect([...scopes].sort()).toEqual([...needed].sort());
  });

  it('turns on interactivity and token rotation off', () => {
    // Prepare / Act
    const { settings } = manifestSchema.parse(manifest);

    // Assess: the approval buttons post to the deployed function URL,
    // filled in from `sst deploy`'s slackInteractionsUrl output
    // (docs/deploy.md); the bot token lives in an SST secret and would
    // expire every 12 hours with rotation on (Slack API docs, "Using token
    // rotation").
    expect(settings.interactivity.is_enabled).toBe(true);
    expect(settings.interactivity.request_url).toBe(
      'https://example.com/replace-with-slackInteractionsUrl',
    );
    expect(settings.token_rotation_enabled).toBe(false);
    expect(settings.socket_mode_enabled).toBe(false);
    const deployDoc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
    expect(deployDoc).toContain('replace-with-slackInteractionsUrl');
    expect(deployDoc).toContain('slackInteractionsUrl');
  });
});
