import { ClickHouseError } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import {
  describeClickHouseError,
  formatSeconds,
} from '../../shared/domain/sources/clickhouse/reasons.ts';

/** An error as Node's net module raises it. */
function socketError(code: string, message: string) {
  return Object.assign(new Error(message), { code });
}

describe('describeClickHouseError', () => {
  it.each([
    [
      'a current server, parsed by @clickhouse/client',
      new ClickHouseError({
        message:
          "Unknown table expression identifier 'system.part_log' in scope SELECT toStartOfMinute(event_time) AS minute FROM system.part_log. ",
        code: '60',
        type: 'UNKNOWN_TABLE',
      }),
    ],
    [
      'chDB',
      new Error(
        "Query failed: Code: 60. DB::Exception: Unknown table expression identifier 'system.part_log' in scope SELECT * FROM system.part_log. (UNKNOWN_TABLE)",
      ),
    ],
    [
      'a 23.x server',
      new Error(
        "Code: 60. DB::Exception: Table system.part_log doesn't exist. (UNKNOWN_TABLE) (version 23.8.16.16 (official build))",
      ),
    ],
  ])('names a missing part_log from %s', (_, error) => {
    expect(describeClickHouseError(error)).toEqual({
      kind: 'query',
      reason:
        'system.part_log does not exist on this server (its part_log section is off in the server configuration)',
    });
  });

  it('reads the error format of old servers', () => {
    const error = new Error(
      'Code: 47, e.displayText() = DB::Exception: Unknown identifier: merge_type, e.what() = DB::Exception\n',
    );
    expect(describeClickHouseError(error)).toEqual({
      kind: 'query',
      reason: 'ClickHouse error 47: Unknown identifier: merge_type',
    });
  });

  it.each([
    [
      new ClickHouseError({
        message:
          'default: Authentication failed: password is incorrect, or there is no user with such name. ',
        code: '516',
        type: 'AUTHENTICATION_FAILED',
      }),
    ],
    [
      new Error(
        'Code: 193, e.displayText() = DB::Exception: Wrong password for user burstguard, e.what() = DB::Exception',
      ),
    ],
    [
      new Error(
        'Code: 192, e.displayText() = DB::Exception: Unknown user nobody, e.what() = DB::Exception',
      ),
    ],
  ])('classifies a refused user as auth: %s', (error) => {
    expect(describeClickHouseError(error).kind).toBe('auth');
  });

  it('points a readonly=1 user to readonly=2', () => {
    const error = new ClickHouseError({
      message: "Cannot modify 'max_execution_time' setting in readonly mode. ",
      code: '164',
      type: 'READONLY',
    });
    expect(describeClickHouseError(error)).toEqual({
      kind: 'query',
      reason:
        "ClickHouse error 164: Cannot modify 'max_execution_time' setting in readonly mode (the user needs readonly=2, see docs/clickhouse.md)",
    });
  });

  it('says when the client gave up waiting', () => {
    expect(
      describeClickHouseError(new Error('Timeout error.'), {
        timeoutMs: 1_500,
      }),
    ).toEqual({ kind: 'timeout', reason: 'timed out after 1.5 s' });
  });

  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.0.3.17:8123'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND clickhouse.internal'],
    ['ECONNRESET', 'socket hang up'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'],
  ])('classifies %s as a connection failure', (code, message) => {
    expect(describeClickHouseError(socketError(code, message))).toEqual({
      kind: 'connection',
      reason: message,
    });
  });

  it('finds the detail of a refused localhost inside an AggregateError', () => {
    // Node tries ::1 and 127.0.0.1 and reports both, with an empty message
    const error = Object.assign(
      new AggregateError(
        [
          socketError('ECONNREFUSED', 'connect ECONNREFUSED ::1:8123'),
          socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8123'),
        ],
        '',
      ),
      { code: 'ECONNREFUSED' },
    );
    expect(describeClickHouseError(error)).toEqual({
      kind: 'connection',
      reason: 'connect ECONNREFUSED ::1:8123',
    });
  });

  it('keeps a reason to one short line', () => {
    const error = new Error(
      `<html>\n<body>${'502 Bad Gateway '.repeat(40)}</body>\n</html>`,
    );
    const { kind, reason } = describeClickHouseError(error);
    expect(kind).toBe('query');
    expect(reason).not.toContain('\n');
    expect(reason.length).toBeLessThanOrEqual(200);
  });
});

describe('formatSeconds', () => {
  it.each([
    [5_000, '5 s'],
    [1_500, '1.5 s'],
    [12, '0 s'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });
});
