import { describe, expect, it } from 'vitest';
import {
  MIN_SECRET_PREFIX_CHARS,
  redactSecret,
  redactThenTruncate,
} from '../../shared/domain/redact.ts';

const SECRET = 'Tr0ub4dor-and-3more';

/** Every start of the secret long enough to be redacted. */
function prefixes(secret: string): string[] {
  const out: string[] = [];
  for (let n = MIN_SECRET_PREFIX_CHARS; n <= secret.length; n += 1) {
    out.push(secret.slice(0, n));
  }
  return out;
}

describe('redactThenTruncate', () => {
  it.each(Array.from({ length: SECRET.length + 1 }, (_, k) => k))(
    'leaves nothing of a secret cut after %i characters',
    (kept) => {
      // Prepare: the cut at 49 characters falls `kept` characters into it.
      const text = `${'x'.repeat(49 - kept)}${SECRET} and more after it`;

      // Act
      const reason = redactThenTruncate(text, 50, SECRET);

      // Assess
      expect(reason.length).toBeLessThanOrEqual(50);
      for (const start of prefixes(SECRET)) expect(reason).not.toContain(start);
    },
  );

  it('keeps text with no secret as it was, cut with an ellipsis', () => {
    expect(redactThenTruncate('a'.repeat(60), 50, SECRET)).toBe(
      `${'a'.repeat(49)}…`,
    );
    expect(redactThenTruncate('short', 50)).toBe('short');
  });
});

describe('redactSecret', () => {
  it.each(
    Array.from(
      { length: SECRET.length - MIN_SECRET_PREFIX_CHARS },
      (_, i) => i + MIN_SECRET_PREFIX_CHARS,
    ),
  )(
    'redacts the first %i characters of the secret where they end a text',
    (n) => {
      const start = SECRET.slice(0, n);

      expect(redactSecret(`password was ${start}`, SECRET)).toBe(
        'password was ***',
      );
      expect(redactSecret(`password was ${start}…`, SECRET)).toBe(
        'password was ***…',
      );
    },
  );

  it('keeps a start shorter than four characters, which matches words', () => {
    expect(redactSecret('it went to Tr0', SECRET)).toBe('it went to Tr0');
  });

  it('redacts every whole occurrence', () => {
    expect(redactSecret(`${SECRET}:${SECRET}@host`, SECRET)).toBe(
      '***:***@host',
    );
  });
});
