import { afterOpenSchema } from '../../shared/domain/contracts.ts';
import { countRecordsInputSchema } from '../../shared/domain/recovery/steps.ts';
import {
  defineCollector,
  defineStep,
  type StepFactory,
} from '../../shared/runtime/step-handler.ts';
import {
  type CollectClickHousePorts,
  collectClickHouse,
  countRecords,
} from './core.ts';

/** The CollectClickHouse step of Gather. */
const createSnapshotHandler = defineCollector(
  'collect-clickhouse',
  afterOpenSchema,
  collectClickHouse,
);

/** CountBefore / CountAfter of the recovery state machine. */
const createCountRecordsHandler = defineStep('collect-clickhouse', {
  schema: countRecordsInputSchema,
  run: countRecords,
  log: (log, counts, input) => {
    if ('error' in counts) {
      log.warn('records not counted', {
        fileSystemId: input.fileSystemId,
        reason: counts.error,
      });
    } else {
      log.info('records counted', {
        fileSystemId: input.fileSystemId,
        ...counts,
      });
    }
  },
});

/** Whether a state is the recovery's count request (`kind: count-records`). */
function isCountRequest(event: unknown): boolean {
  return (event as { kind?: unknown } | null)?.kind === 'count-records';
}

/**
 * The one ClickHouse function, with two inputs: the incident's state
 * (Gather's snapshot, as before) or `{kind: 'count-records', fileSystemId,
 * window}` (the recovery's distinct counts).
 */
export const createCollectClickHouseHandler: StepFactory<
  CollectClickHousePorts,
  unknown
> = (ports, logger) => {
  const snapshot = createSnapshotHandler(ports, logger);
  const count = createCountRecordsHandler(ports, logger);
  return (event, context) =>
    isCountRequest(event) ? count(event, context) : snapshot(event, context);
};
