/**
 * The known mutants still describe today's code: each search text occurs
 * exactly once in its file, so `npm run test:known-mutants` re-applies every
 * one of them. A line that moved fails here, in every `npm test`, before
 * the slower mutant run would notice.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyMutant, KNOWN_MUTANTS } from '../../scripts/known-mutants.ts';

describe('the known mutants', () => {
  for (const mutant of KNOWN_MUTANTS) {
    it(`applies ${mutant.id} to exactly one place in ${mutant.file}`, () => {
      // Prepare
      const source = readFileSync(mutant.file, 'utf8');

      // Act
      const mutated = applyMutant(source, mutant);

      // Assess
      expect(mutated).not.toBe(source);
      expect(mutated).toContain(mutant.replace);
      for (const test of mutant.tests) {
        expect(() => readFileSync(test)).not.toThrow();
      }
    });
  }

  it('refuses a search text that is missing or occurs twice', () => {
    // Prepare
    const mutant = {
      ...(KNOWN_MUTANTS[0] as (typeof KNOWN_MUTANTS)[number]),
      search: 'x = 1;',
    };

    // Act / Assess
    expect(() => applyMutant('y = 2;', mutant)).toThrow(/occurs 0 times/);
    expect(() => applyMutant('x = 1; x = 1;', mutant)).toThrow(
      /occurs 2 times/,
    );
  });
});
