/**
 * oneLine: every error text burstguard prints (CLI errors, logs, Slack
 * after escaping) is one line with no terminal control sequence. An alarm
 * name or a ClickHouse error can carry ESC sequences (ECMA-48: ESC ] 0 ;
 * title BEL sets a terminal's title, ESC [ 2 J clears its screen).
 */
import { describe, expect, it } from 'vitest';
import { oneLine } from '../../shared/domain/errors.ts';

describe('oneLine', () => {
  it('joins lines and trims', () => {
    expect(oneLine(new Error('  first\n  second\tthird  '))).toBe(
      'first second third',
    );
  });

  it('shows terminal control characters as U+FFFD instead of sending them', () => {
    const text = oneLine(
      new Error('alarm \u001b]0;PWNED\u0007\u001b[2J name \u009b31m'),
    );

    expect(text).toBe('alarm \ufffd]0;PWNED\ufffd\ufffd[2J name \ufffd31m');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: what must not pass
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('reads a thrown string or value as well as an Error', () => {
    expect(oneLine('plain\ntext')).toBe('plain text');
    expect(oneLine(42)).toBe('42');
  });
});
