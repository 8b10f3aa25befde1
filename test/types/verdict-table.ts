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
