/**
 * A type test, checked by `npm run typecheck` (never run): the verdict
 * table (shared/domain/verdicts.ts) must have a row for every verdict, and
 * every row every piece. Each `@ts-expect-error` below marks a table the
 * compiler must refuse; should the type ever stop refusing it, the
 * directive is unused and the type check fails.
 */
import type { Verdict } from '../../shared/domain/contracts.ts';
import {
  VERDICT_TABLE,
  type VerdictRow,
} from '../../shared/domain/verdicts.ts';

const { 'insufficient-evidence': insufficient, ...withoutOne } = VERDICT_TABLE;

// A table that forgets one verdict does not compile.
// @ts-expect-error: 'insufficient-evidence' is missing
export const missingVerdict: Record<Verdict, VerdictRow> = withoutOne;

const { headline: _headline, ...rowWithoutHeadline } = insufficient;

// A row without its headline does not compile.
export const missingPiece: Record<Verdict, VerdictRow> = {
  ...VERDICT_TABLE,
  // @ts-expect-error: the row has no headline
  'insufficient-evidence': rowWithoutHeadline,
};

// A verdict that is not in VERDICTS has no place in the table.
export const unknownVerdict: Record<Verdict, VerdictRow> = {
  ...VERDICT_TABLE,
  // @ts-expect-error: 'efs-on-fire' is not a Verdict
  'efs-on-fire': insufficient,
};

/** True when A and B are the same type, not merely assignable. */
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
    ? true
    : false;

// The table itself is keyed by exactly the verdicts, each a whole row:
// should it lose its type and a row with it, these no longer compile.
export const keyedByVerdict: Equals<keyof typeof VERDICT_TABLE, Verdict> = true;
export const rowsAreWhole: Equals<(typeof VERDICT_TABLE)[Verdict], VerdictRow> =
  true;
