/**
 * A local Distributed Map engine with the contract of AWS Step Functions'
 * Map state in Distributed mode, for the JSONPath definitions burstguard
 * deploys.
 *
 * aws-local-stepfunctions 3.0.0 validates ItemReader, ItemBatcher and
 * ResultWriter (through asl-validator's schema) but does not execute them:
 * its MapStateAction reads the items from the state input or ItemsPath,
 * applies ItemSelector and MaxConcurrency, and runs the ItemProcessor inline
 * for each item (build/main.node.esm.js, `MapStateAction.execute`). A Map
 * with an ItemReader and an object input fails there with "Input of Map
 * state must be an array". This engine does what the service does instead,
 * after the AWS Step Functions developer guide:
 * - ItemReader `s3:listObjectsV2` (input-output-itemreader): lists the
 *   bucket through the S3 API, following ContinuationToken, and makes each
 *   object an item {Etag, Key, LastModified (epoch seconds), Size,
 *   StorageClass};
 * - ItemSelector with `$$.Map.Item.Value` (input-output-itemselector);
 * - ItemBatcher (input-output-itembatcher): {Items, BatchInput} per child,
 *   at most MaxItemsPerBatch items and 256 KiB;
 * - each child runs the ItemProcessor as its own aws-local-stepfunctions
 *   execution, so its Retry (backoff, jitter) really runs; at most
 *   MaxConcurrency at a time;
 * - ToleratedFailurePercentage / ToleratedFailureCount (maprun-fail-threshold):
 *   past the threshold no new child starts, the ones in flight finish, and
 *   the state fails with States.ExceedToleratedFailureThreshold;
 * - ResultWriter (input-output-resultwriter): manifest.json, SUCCEEDED_0,
 *   FAILED_0, PENDING_0 under `<Prefix>/<map run id>/`, and the state's
 *   output {MapRunArn, ResultWriterDetails: {Bucket, Key}};
 * - redrive (redrive-map-run): a Map Run record lets a redrive re-run only
 *   the children that did not succeed, with the inputs of the first attempt;
 *   a Standard child resumes at the state that failed, an Express child
 *   starts over.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import {
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { StateMachine } from 'aws-local-stepfunctions';

/** The S3 client calls the engine makes (an S3Client, or a double of it). */
export type S3Sender = {
  send(command: ListObjectsV2Command | PutObjectCommand): Promise<unknown>;
};

/** An error Step Functions names (`States.*`), with a Cause. */
export class StatesError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Json = unknown;
type Template = Record<string, unknown>;

/** One object as the listObjectsV2 ItemReader hands it to the Map. */
export type S3ObjectItem = {
  Etag: string;
  Key: string;
  LastModified: number;
  Size: number;
  StorageClass: string;
};

/** The fields of a Distributed Map state this engine reads. */
export type DistributedMapState = {
  Type: 'Map';
  Label?: string;
  ItemReader?: { Resource: string; Parameters?: Template };
  ItemSelector?: Template;
  ItemBatcher?: {
    MaxItemsPerBatch?: number;
    MaxItemsPerBatchPath?: string;
    MaxInputBytesPerBatch?: number;
    BatchInput?: Template;
  };
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
  ToleratedFailurePercentage?: number;
  ToleratedFailureCount?: number;
  ItemProcessor: {
    ProcessorConfig?: { Mode?: string; ExecutionType?: string };
    StartAt: string;
    States: Record<string, unknown>;
  };
  ResultWriter?: { Resource: string; Parameters?: Template };
};

/** A child execution of a Map Run, as the run record keeps it. */
export type ChildRecord = {
  index: number;
  name: string;
  executionArn: string;
  input: Json;
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  output?: Json;
  error?: { Error: string; Cause: string };
  /** Where a Standard child resumes on redrive: the state that failed. */
  failedAt?: { state: string; input: Json };
  /** Times this child was started (first attempt and redrives). */
  runs: number;
  redriveCount: number;
  startDate?: string;
  stopDate?: string;
};

/** What the engine remembers of one Map Run (the checkpoint of a redrive). */
export type MapRunRecord = {
  mapRunArn: string;
  executionId: string;
  stateName: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  itemCount: number;
  children: ChildRecord[];
  redriveCount: number;
  error?: { Error: string; Cause: string };
  resultWriterDetails?: { Bucket: string; Key: string };
};

/** Where Map Run records live; in memory unless another store is given. */
export type MapRunStore = {
  /** The latest Map Run of a Map state in an execution. */
  latest(executionId: string, stateName: string): MapRunRecord | undefined;
  put(record: MapRunRecord): void;
};

/** Map Run records in memory, keyed by execution and state. */
export class MemoryMapRunStore implements MapRunStore {
  private readonly runs = new Map<string, MapRunRecord[]>();

  latest(executionId: string, stateName: string): MapRunRecord | undefined {
    return this.runs.get(`${executionId}#${stateName}`)?.at(-1);
  }

  put(record: MapRunRecord): void {
    const key = `${record.executionId}#${record.stateName}`;
    const list = this.runs.get(key) ?? [];
    if (!list.includes(record)) list.push(record);
    this.runs.set(key, list);
  }
}

/** How a child's Task states run locally (aws-local-stepfunctions). */
export type ChildHandlers = Record<string, (input: Json) => Promise<Json>>;

export type DistributedMapOptions = {
  s3: S3Sender;
  /** The parent execution's ARN (`$$.Execution.Id`). */
  executionId: string;
  /** The Map state's name in the parent definition. */
  stateName: string;
  /** A handler for every Task state of the ItemProcessor. */
  taskHandlers: ChildHandlers;
  store?: MapRunStore;
  /**
   * Milliseconds to wait between retries, per child state (tests): a number,
   * or one per retrier (aws-local-stepfunctions' retryIntervalOverrides).
   */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Re-run the unsuccessful children of this Map Run (a redrive). */
  redrive?: MapRunRecord;
  /** Told as each child starts and ends (progress, tests). */
  onChild?: (event: {
    type: 'started' | 'succeeded' | 'failed';
    child: ChildRecord;
  }) => void;
};

/** The output of a Map state that exports its results (ResultWriter). */
export type ResultWriterOutput = {
  MapRunArn: string;
  ResultWriterDetails: { Bucket: string; Key: string };
};

const SIMPLE_PATH = /^\$((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/;
const ITEM_PATH = /^\$\$\.Map\.Item\.Value((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/;
/** A child execution's input is at most 256 KiB (itembatcher). */
const MAX_BATCH_BYTES = 262_144;
/** No MaxConcurrency (or 0): up to 10,000 children (state-map-distributed). */
const DEFAULT_MAX_CONCURRENCY = 10_000;

function follow(fields: string, root: Json, path: string, where: string) {
  let value: Json = root;
  for (const field of fields.split('.').filter(Boolean)) {
    if (value === null || typeof value !== 'object' || !(field in value)) {
      throw new StatesError(
        'States.Runtime',
        `${where}: the path ${path} matches nothing in its input`,
      );
    }
    value = (value as Record<string, Json>)[field];
  }
  return value;
}

/**
 * Reads a path of a payload template: `$.a.b` against the state input, or
 * `$$.Map.Item.Value.a.b` / `$$.Map.Item.Index` for the current item. Any
 * other path, filter or intrinsic function is refused: this engine is not a
 * JSONPath interpreter.
 */
export function readPath(
  path: string,
  input: Json,
  where: string,
  item?: { value: Json; index: number },
): Json {
  const simple = SIMPLE_PATH.exec(path);
  if (simple) return follow(simple[1] ?? '', input, path, where);
  const itemPath = ITEM_PATH.exec(path);
  if (itemPath && item)
    return follow(itemPath[1] ?? '', item.value, path, where);
  if (path === '$$.Map.Item.Index' && item) return item.index;
  throw new Error(
    `${where}: the local Distributed Map reads only $.a.b and $$.Map.Item.Value.a.b paths, not ${path}`,
  );
}

/** Resolves a JSONPath payload template (keys ending `.$` are paths). */
export function resolveTemplate(
  template: Json,
  input: Json,
  where: string,
  item?: { value: Json; index: number },
): Json {
  if (Array.isArray(template)) {
    return template.map((v) => resolveTemplate(v, input, where, item));
  }
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string') {
        throw new Error(`${where}: ${key} must be a path string`);
      }
      out[key.slice(0, -2)] = readPath(value, input, where, item);
    } else {
      out[key] = resolveTemplate(value, input, where, item);
    }
  }
  return out;
}

/** The shape Step Functions gives each listed object (input-output-itemreader). */
export function itemOfObject(object: {
  Key?: string;
  ETag?: string;
  LastModified?: Date;
  Size?: number;
  StorageClass?: string;
}): S3ObjectItem {
  return {
    Etag: object.ETag ?? '',
    Key: object.Key ?? '',
    LastModified: Math.floor((object.LastModified?.getTime() ?? 0) / 1000),
    Size: object.Size ?? 0,
    StorageClass: object.StorageClass ?? 'STANDARD',
  };
}

/**
 * Every object under a prefix, one ListObjectsV2 page at a time (at most
 * 1,000 keys a page: Amazon S3 API reference, ListObjectsV2), following
 * NextContinuationToken until IsTruncated is false.
 */
export async function* listObjectItems(
  s3: S3Sender,
  params: { Bucket: string; Prefix?: string },
): AsyncGenerator<S3ObjectItem[]> {
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = (await s3.send(
        new ListObjectsV2Command({
          Bucket: params.Bucket,
          ...(params.Prefix ? { Prefix: params.Prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      )) as ListObjectsV2CommandOutput;
    } catch (error) {
      throw new StatesError(
        'States.ItemReaderFailed',
        `ListObjectsV2 on ${params.Bucket}/${params.Prefix ?? ''}: ${(error as Error).message}`,
      );
    }
    yield (page.Contents ?? []).map(itemOfObject);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/**
 * The child inputs of a Map Run, in order: each listed item through the
 * ItemSelector, grouped by the ItemBatcher (or one item a child without it).
 */
export async function* childInputs(
  state: DistributedMapState,
  input: Json,
  s3: S3Sender,
): AsyncGenerator<Json> {
  const reader = state.ItemReader;
  if (!reader || !/:states:::s3:listObjectsV2$/.test(reader.Resource)) {
    throw new Error(
      `the local Distributed Map reads only an ItemReader of s3:listObjectsV2, not ${reader?.Resource ?? 'none'}`,
    );
  }
  const params = resolveTemplate(
    reader.Parameters ?? {},
    input,
    'ItemReader.Parameters',
  ) as { Bucket?: unknown; Prefix?: unknown };
  if (typeof params.Bucket !== 'string') {
    throw new StatesError('States.Runtime', 'ItemReader: Bucket is missing');
  }
  const batcher = state.ItemBatcher;
  const maxItems = batcher
    ? Number(
        batcher.MaxItemsPerBatchPath
          ? readPath(batcher.MaxItemsPerBatchPath, input, 'ItemBatcher')
          : (batcher.MaxItemsPerBatch ?? Number.POSITIVE_INFINITY),
      )
    : 1;
  const maxBytes = Math.min(
    batcher?.MaxInputBytesPerBatch ?? MAX_BATCH_BYTES,
    MAX_BATCH_BYTES,
  );
  const batchInput = batcher?.BatchInput
    ? resolveTemplate(batcher.BatchInput, input, 'ItemBatcher.BatchInput')
    : undefined;
  const envelopeBytes = JSON.stringify({
    Items: [],
    ...(batchInput ? { BatchInput: batchInput } : {}),
  }).length;
  let items: Json[] = [];
  let bytes = envelopeBytes;
  const flush = () => {
    const out = {
      Items: items,
      ...(batchInput ? { BatchInput: batchInput } : {}),
    };
    items = [];
    bytes = envelopeBytes;
    return out;
  };
  let index = 0;
  for await (const page of listObjectItems(s3, {
    Bucket: params.Bucket,
    ...(typeof params.Prefix === 'string' ? { Prefix: params.Prefix } : {}),
  })) {
    for (const object of page) {
      const selected = state.ItemSelector
        ? resolveTemplate(state.ItemSelector, input, 'ItemSelector', {
            value: object,
            index,
          })
        : object;
      index++;
      if (!batcher) {
        yield selected;
        continue;
      }
      const itemBytes = JSON.stringify(selected).length + 1;
      if (items.length > 0 && bytes + itemBytes > maxBytes) yield flush();
      items.push(selected);
      bytes += itemBytes;
      if (items.length >= maxItems) yield flush();
    }
  }
  if (items.length > 0) yield flush();
}

function mapRunArnOf(executionId: string, label: string): string {
  // arn:<partition>:states:<region>:<account>:execution:<machine>:<name>
  const [, partition, , region, account, , machine] = executionId.split(':');
  return `arn:${partition}:states:${region}:${account}:mapRun:${machine}/${label}:${crypto.randomUUID()}`;
}

function childArnOf(mapRunArn: string, index: number): string {
  const [, partition, , region, account, , rest] = mapRunArn.split(':');
  const [machineAndLabel] = (rest ?? '').split(':');
  const id = mapRunArn.split(':').at(-1);
  return `arn:${partition}:states:${region}:${account}:execution:${machineAndLabel}:${id}-${index}`;
}

function errorOf(error: unknown): { Error: string; Cause: string } {
  const cause = (error as { cause?: unknown }).cause ?? error;
  return {
    Error: (cause as Error).name ?? 'Error',
    Cause: (cause as Error).message ?? String(cause),
  };
}

/**
 * Follows an aws-local-stepfunctions execution's events, to know which state
 * is running (and with what input) when it fails: where a redrive resumes.
 */
export function followStates(
  eventLogs: AsyncIterable<unknown>,
  onEntered?: (state: string) => void,
): {
  current(): { state: string; input: Json } | undefined;
  done: Promise<void>;
} {
  let current: { state: string; input: Json } | undefined;
  const done = (async () => {
    for await (const event of eventLogs) {
      const e = event as {
        type: string;
        state?: { name: string; input?: Json };
      };
      if (e.type === 'StateEntered' && e.state) {
        current = { state: e.state.name, input: e.state.input };
        onEntered?.(e.state.name);
      } else if (e.type === 'StateExited' && e.state?.name === current?.state) {
        current = undefined;
      }
    }
  })().catch(() => undefined);
  return { current: () => current, done };
}

/** Runs one child execution; records its outcome on the child. */
async function runChild(
  state: DistributedMapState,
  child: ChildRecord,
  options: DistributedMapOptions,
  standard: boolean,
): Promise<void> {
  const processor = state.ItemProcessor;
  const resume = standard ? child.failedAt : undefined;
  const machine = new StateMachine(
    {
      StartAt: resume?.state ?? processor.StartAt,
      States: processor.States,
    } as never,
    { validationOptions: { noValidate: true } },
  );
  child.runs++;
  child.startDate = new Date().toISOString();
  options.onChild?.({ type: 'started', child });
  const execution = machine.run(
    (resume ? resume.input : child.input) as never,
    {
      overrides: {
        taskResourceLocalHandlers: options.taskHandlers as never,
        ...(options.retryIntervalOverrides
          ? { retryIntervalOverrides: options.retryIntervalOverrides }
          : {}),
      },
      context: {
        Execution: { Id: child.executionArn, Name: child.name },
      },
    },
  );
  const running = followStates(execution.eventLogs);
  try {
    child.output = await execution.result;
    child.status = 'SUCCEEDED';
    delete child.error;
    delete child.failedAt;
  } catch (error) {
    child.status = 'FAILED';
    child.error = errorOf(error);
    // The events tell which state failed once they have all been read.
    await running.done;
    const failedAt = running.current();
    if (failedAt) child.failedAt = failedAt;
  } finally {
    await running.done;
    child.stopDate = new Date().toISOString();
  }
  options.onChild?.({
    type: child.status === 'SUCCEEDED' ? 'succeeded' : 'failed',
    child,
  });
}

function exceedsThreshold(
  state: DistributedMapState,
  failedItems: number,
  totalItems: number,
  listingDone: boolean,
): boolean {
  if (failedItems === 0) return false;
  if (
    state.ToleratedFailureCount !== undefined &&
    failedItems > state.ToleratedFailureCount
  ) {
    return true;
  }
  const percent = state.ToleratedFailurePercentage;
  // Without either field the threshold is 0%: any failure fails the run.
  if (percent === undefined && state.ToleratedFailureCount !== undefined) {
    return false;
  }
  const limit = percent ?? 0;
  // A percentage above 0 is judged against every item, known only once the
  // listing is done; 0 is exceeded by the first failure.
  if (limit > 0 && !listingDone) return false;
  return (failedItems * 100) / Math.max(totalItems, 1) > limit;
}

function itemsIn(input: Json): number {
  const items = (input as { Items?: unknown[] } | null)?.Items;
  return Array.isArray(items) ? items.length : 1;
}

/** The ResultWriter record of one child (Transformation NONE). */
function resultEntry(child: ChildRecord, stateMachineArn: string) {
  return {
    ExecutionArn: child.executionArn,
    Input: JSON.stringify(child.input),
    InputDetails: { Included: true },
    Name: child.name,
    ...(child.status === 'SUCCEEDED'
      ? {
          Output: JSON.stringify(child.output),
          OutputDetails: { Included: true },
        }
      : child.error
        ? { Error: child.error.Error, Cause: child.error.Cause }
        : {}),
    RedriveCount: child.redriveCount,
    ...(child.startDate ? { StartDate: child.startDate } : {}),
    StateMachineArn: stateMachineArn,
    Status: child.status,
    ...(child.stopDate ? { StopDate: child.stopDate } : {}),
  };
}

async function writeResults(
  state: DistributedMapState,
  input: Json,
  record: MapRunRecord,
  s3: S3Sender,
): Promise<{ Bucket: string; Key: string } | undefined> {
  const writer = state.ResultWriter;
  if (!writer) return undefined;
  if (!/:states:::s3:putObject$/.test(writer.Resource)) {
    throw new Error(
      `the local Distributed Map writes results only with s3:putObject, not ${writer.Resource}`,
    );
  }
  const params = resolveTemplate(
    writer.Parameters ?? {},
    input,
    'ResultWriter.Parameters',
  ) as { Bucket?: unknown; Prefix?: unknown };
  if (typeof params.Bucket !== 'string') {
    throw new StatesError('States.Runtime', 'ResultWriter: Bucket is missing');
  }
  const bucket = params.Bucket;
  const runId = record.mapRunArn.split(':').at(-1) as string;
  const prefix =
    typeof params.Prefix === 'string' && params.Prefix
      ? `${params.Prefix.replace(/\/$/, '')}/${runId}`
      : runId;
  const [, partition, , region, account, , machineAndLabel] =
    record.mapRunArn.split(':');
  const stateMachineArn = `arn:${partition}:states:${region}:${account}:stateMachine:${machineAndLabel}`;
  const files: Record<string, { Key: string; Size: number }[]> = {
    FAILED: [],
    PENDING: [],
    SUCCEEDED: [],
  };
  const put = async (key: string, body: string) => {
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
        }),
      );
    } catch (error) {
      throw new StatesError(
        'States.ResultWriterFailed',
        `PutObject ${bucket}/${key}: ${(error as Error).message}`,
      );
    }
  };
  for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
    const entries = record.children
      .filter((c) => c.status === status)
      .map((c) => resultEntry(c, stateMachineArn));
    if (entries.length === 0) continue;
    const key = `${prefix}/${status}_0.json`;
    const body = JSON.stringify(entries);
    await put(key, body);
    files[status]?.push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${prefix}/manifest.json`;
  await put(
    manifestKey,
    JSON.stringify({
      DestinationBucket: bucket,
      MapRunArn: record.mapRunArn,
      ResultFiles: files,
    }),
  );
  return { Bucket: bucket, Key: manifestKey };
}

/**
 * Runs a Distributed Map state on its input, as Step Functions would, and
 * returns the state's result (before its ResultSelector/ResultPath). With
 * `redrive`, re-runs only that Map Run's unsuccessful children.
 */
export async function runDistributedMap(
  state: DistributedMapState,
  input: Json,
  options: DistributedMapOptions,
): Promise<ResultWriterOutput | Json[]> {
  const config = state.ItemProcessor?.ProcessorConfig;
  if (state.Type !== 'Map' || config?.Mode !== 'DISTRIBUTED') {
    throw new Error(
      `${options.stateName} is not a Map state in DISTRIBUTED mode`,
    );
  }
  const standard = config.ExecutionType !== 'EXPRESS';
  const store = options.store ?? new MemoryMapRunStore();
  const maxConcurrency =
    Number(
      state.MaxConcurrencyPath
        ? readPath(state.MaxConcurrencyPath, input, 'MaxConcurrencyPath')
        : state.MaxConcurrency,
    ) || DEFAULT_MAX_CONCURRENCY;

  const redrive = options.redrive;
  const record: MapRunRecord = redrive ?? {
    mapRunArn: mapRunArnOf(
      options.executionId,
      state.Label ?? options.stateName,
    ),
    executionId: options.executionId,
    stateName: options.stateName,
    status: 'RUNNING',
    itemCount: 0,
    children: [],
    redriveCount: 0,
  };
  if (redrive) {
    if (redrive.status !== 'FAILED') {
      throw new Error(
        `map run ${redrive.mapRunArn} did not fail: nothing to redrive`,
      );
    }
    record.redriveCount++;
    record.status = 'RUNNING';
    delete record.error;
  }
  store.put(record);

  // The children to run: all of a new run (as they are listed), or the
  // unsuccessful ones of a redriven run (their first attempt's inputs).
  async function* work(): AsyncGenerator<ChildRecord> {
    if (redrive) {
      for (const child of record.children) {
        if (child.status === 'SUCCEEDED') continue;
        child.redriveCount += child.runs > 0 ? 1 : 0;
        child.status = 'PENDING';
        yield child;
      }
      return;
    }
    let index = 0;
    for await (const childInput of childInputs(state, input, options.s3)) {
      const name = `${record.mapRunArn.split(':').at(-1)}-${index}`;
      const child: ChildRecord = {
        index,
        name,
        executionArn: childArnOf(record.mapRunArn, index),
        input: childInput,
        status: 'PENDING',
        runs: 0,
        redriveCount: 0,
      };
      index++;
      record.children.push(child);
      record.itemCount += itemsIn(childInput);
      yield child;
    }
  }

  // A redrive judges the threshold on its own attempt's failures.
  let failedItems = 0;
  let stopped = false;
  let listingDone = Boolean(redrive);
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const child of work()) {
      if (stopped) continue; // listed, left PENDING
      while (inFlight.size >= maxConcurrency) await Promise.race(inFlight);
      if (stopped) continue;
      const running = runChild(state, child, options, standard).then(() => {
        inFlight.delete(running);
        if (child.status === 'FAILED') {
          failedItems += itemsIn(child.input);
          if (exceedsThreshold(state, failedItems, record.itemCount, false)) {
            stopped = true;
          }
        }
      });
      inFlight.add(running);
    }
    listingDone = true;
    await Promise.all(inFlight);
  } catch (error) {
    await Promise.allSettled(inFlight);
    record.status = 'FAILED';
    record.error = errorOf(error);
    store.put(record);
    throw error;
  }
  if (
    stopped ||
    exceedsThreshold(state, failedItems, record.itemCount, listingDone)
  ) {
    record.status = 'FAILED';
    const failed = record.children.filter((c) => c.status === 'FAILED');
    record.error = {
      Error: 'States.ExceedToleratedFailureThreshold',
      Cause: `The specified tolerated failure threshold was exceeded: ${failed.length} of ${record.children.length} child executions failed (${failedItems} of ${record.itemCount} items)`,
    };
  } else {
    record.status = 'SUCCEEDED';
  }
  store.put(record);
  const details = await writeResults(state, input, record, options.s3);
  if (details) record.resultWriterDetails = details;
  if (record.status === 'FAILED' && record.error) {
    throw new StatesError(record.error.Error, record.error.Cause);
  }
  if (details) {
    return { MapRunArn: record.mapRunArn, ResultWriterDetails: details };
  }
  return record.children.map((c) => c.output);
}
