import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config.ts';
import { ConfigurationError } from '../../shared/errors.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';

const base = { fileSystems: [{ fileSystemId: FS_ID }] };

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
    expect(() => parseConfig({ ...base, slackApiUrl: url })).toThrow(
      ConfigurationError,
    );
    expect(() => parseConfig({ ...base, slackApiUrl: url })).toThrow(
      /^configuration slackApiUrl: /,
    );
  });
});
