/**
 * Numbers in messages are written by hand (shared/domain/messages/numbers.ts)
 * so that no function builds an Intl.NumberFormat at init. What they must
 * write is what `Intl.NumberFormat('en-US')` writes with the same fraction
 * digits (ECMA-402, NumberFormat: rounding mode "halfExpand" on the
 * number's decimal value, grouping by thousands), so Intl is the oracle
 * here, on chosen edge cases and on a seeded spread of magnitudes.
 */
import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatUsd,
} from '../../shared/domain/messages/numbers.ts';

const intl = (digits: number) =>
  new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGES = [
  0,
  -0,
  0.4,
  -0.4,
  0.5,
  -0.5,
  1.005,
  2.5,
  -2.5,
  9.95,
  99.995,
  999.5,
  999.95,
  1_253.45,
  4_081.2,
  13.155,
  0.045,
  1e-7,
  5e-7,
  123e-6,
  1e20,
  1e21,
  123_456_789.125,
  Number.MAX_SAFE_INTEGER,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

function spread(count: number): number[] {
  const next = random(20261126);
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const magnitude = 10 ** (Math.floor(next() * 24) - 7);
    const value = next() * magnitude * (next() < 0.3 ? -1 : 1);
    // Values on a rounding boundary are where hand-written rounding goes wrong.
    values.push(value, Math.round(value * 200) / 200, Math.round(value) / 20);
  }
  return values;
}

describe('numbers as Intl.NumberFormat en-US writes them', () => {
  it('writes the edge cases as Intl does', () => {
    for (const value of EDGES) {
      expect(formatCount(value), String(value)).toBe(intl(0).format(value));
      expect(formatCount(value, 1), String(value)).toBe(intl(1).format(value));
    }
  });

  it('writes 30,000 values across 24 orders of magnitude as Intl does', () => {
    const wrong = spread(10_000).filter(
      (value) =>
        formatCount(value) !== intl(0).format(value) ||
        formatCount(value, 1) !== intl(1).format(value),
    );

    expect(wrong).toEqual([]);
  });

  it('writes dollars whole from $100 up and in cents below, as Intl does', () => {
    const wrong = [...EDGES, ...spread(5_000)]
      .filter((value) => !Number.isNaN(value))
      .filter(
        (value) =>
          formatUsd(value) !==
          `$${value >= 100 ? intl(0).format(value) : intl(2).format(value)}`,
      );

    expect(wrong).toEqual([]);
    expect(formatUsd(null)).toBe('unknown');
  });

  it('writes the figures the messages show', () => {
    expect(formatCount(7_099)).toBe('7,099');
    expect(formatCount(1_253.44, 1)).toBe('1,253.4');
    expect(formatUsd(4_081.2)).toBe('$4,081');
    expect(formatUsd(13.155)).toBe('$13.16');
  });
});
