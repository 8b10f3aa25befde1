/**
 * The recovery state machine's step boundaries: one zod schema per Task
 * input (what the ASL hands a function), one type per output. The ASL in
 * workflows/recovery.ts builds these shapes with JSONPath; the functions
 * under functions/ parse them.
 */
import * as z from 'zod/mini';
import {
  fileSystemIdSchema,
  policySchema,
  recoveryInputSchema,
  recoveryWindowSchema,
  threadRefSchema,
} from '../contracts.ts';
import { schema } from '../schema.ts';
import type { RecordCounts, RecoveryReport } from './contract.ts';
import { REPLAY_MAX_KEYS_PER_REQUEST } from './contract.ts';

// The execution input lives with the runbook's contracts: Verify's output
// carries it (the recovery a switch that worked starts).
export {
  type RecoveryInput,
  recoveryInputSchema,
  recoveryWindowSchema,
  type ThreadRef,
  threadRefSchema,
} from '../contracts.ts';

/** PlanRecovery's Task input: the execution input and its id. */
export const planRecoveryInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    input: recoveryInputSchema,
    executionId: z.string().check(z.minLength(1)),
  }),
);
export type PlanRecoveryInput = z.infer<typeof planRecoveryInputSchema>;

/** The two key shapes Langfuse replays, by where they are listed. */
export const prefixKindSchema = /* @__PURE__ */ schema(() =>
  z.enum(['otel', 'standard']),
);
export type PrefixKind = z.infer<typeof prefixKindSchema>;

/** One ListObjectsV2 prefix the Distributed Map reads. */
export const recoveryPrefixSchema = /* @__PURE__ */ schema(() =>
  z.object({
    prefix: z.string(),
    kind: prefixKindSchema,
  }),
);
export type RecoveryPrefix = z.infer<typeof recoveryPrefixSchema>;

/**
 * PlanRecovery's output, at `$.plan`. The ASL branches on `status`, loops
 * `cursor.index` up to `cursor.count` over `prefixes`.
 */
export const recoveryPlanSchema = /* @__PURE__ */ schema(() =>
  z.object({
    status: z.enum(['ready', 'not-configured']),
    runId: z.string().check(z.minLength(1)),
    fileSystemId: fileSystemIdSchema,
    window: recoveryWindowSchema,
    dryRun: z.boolean(),
    policy: policySchema,
    bucket: z.string(),
    eventsPrefix: z.string(),
    prefixes: z.array(recoveryPrefixSchema),
    batchSize: z
      .number()
      .check(z.int(), z.gte(1), z.lte(REPLAY_MAX_KEYS_PER_REQUEST)),
    maxConcurrency: z.number().check(z.int(), z.gte(1)),
    /** The loop over `prefixes`: index 0, count = prefixes.length. */
    cursor: z.object({
      index: z.number().check(z.int(), z.nonnegative()),
      count: z.number().check(z.int(), z.nonnegative()),
    }),
    progress: z.optional(threadRefSchema),
    thread: z.optional(threadRefSchema),
    incidentId: z.optional(z.string()),
    droppedRecords: z.optional(z.number().check(z.int(), z.nonnegative())),
    /** Why the plan is `not-configured`, for the final report. */
    reason: z.optional(z.string()),
  }),
);
export type RecoveryPlan = z.infer<typeof recoveryPlanSchema>;

/** Which pass of the map a batch belongs to. */
export const recoveryPhaseSchema = /* @__PURE__ */ schema(() =>
  z.enum(['count', 'replay']),
);
export type RecoveryPhase = z.infer<typeof recoveryPhaseSchema>;

/** ItemBatcher's BatchInput, the same for every batch of one map run. */
export const batchInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    runId: z.string().check(z.minLength(1)),
    fileSystemId: fileSystemIdSchema,
    window: recoveryWindowSchema,
    dryRun: z.boolean(),
    eventsPrefix: z.string(),
    kind: prefixKindSchema,
    /** Requests per second this batch may use (its share of the limit). */
    requestsPerSecond: z.optional(z.number().check(z.positive())),
  }),
);
export type BatchInput = z.infer<typeof batchInputSchema>;

/**
 * One listed object as the map's ItemSelector keeps it. The Distributed
 * Map's `s3:listObjectsV2` reader gives LastModified in epoch seconds
 * (Step Functions developer guide, "ItemReader (Map)"); a local engine may
 * hand a date or its text. keys.ts lastModifiedMs reads all three.
 */
export const batchItemSchema = /* @__PURE__ */ schema(() =>
  z.object({
    Key: z.string().check(z.minLength(1)),
    LastModified: z.union([z.string(), z.number(), z.date()]),
  }),
);
export type BatchItem = z.infer<typeof batchItemSchema>;

/** ReplayBatch's input: what ItemBatcher hands each child execution. */
export const replayBatchInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    Items: z
      .array(batchItemSchema)
      .check(z.maxLength(REPLAY_MAX_KEYS_PER_REQUEST)),
    BatchInput: batchInputSchema,
  }),
);
export type ReplayBatchInput = z.infer<typeof replayBatchInputSchema>;

/** What one batch did; summed over batches by RecordProgress. */
export const batchResultSchema = /* @__PURE__ */ schema(() =>
  z.object({
    /** Keys in the batch as listed. */
    listed: z.number().check(z.int(), z.nonnegative()),
    /** Of those, replayable keys uploaded inside the window. */
    inWindow: z.number().check(z.int(), z.nonnegative()),
    /** Keys Langfuse enqueued (in a dry run: 0). */
    queued: z.number().check(z.int(), z.nonnegative()),
    /** Keys Langfuse or burstguard skipped (outside window, unsupported). */
    skipped: z.number().check(z.int(), z.nonnegative()),
    failed: z.number().check(z.int(), z.nonnegative()),
    /** The keys that failed, as listed (with the events prefix). */
    failedKeys: z.array(z.string()),
    /** One line per error Langfuse or the filter reported. */
    errors: z.array(z.string()),
    /** Keys of a type Langfuse does not replay. */
    unsupported: z.number().check(z.int(), z.nonnegative()),
  }),
);
export type BatchResult = z.infer<typeof batchResultSchema>;

/** RecordProgress's input, one per batch, inside the child workflow. */
export const recordProgressInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    result: batchResultSchema,
    batch: z.object({
      runId: z.string().check(z.minLength(1)),
      fileSystemId: fileSystemIdSchema,
      phase: recoveryPhaseSchema,
    }),
  }),
);
export type RecordProgressInput = z.infer<typeof recordProgressInputSchema>;

/** The counters of one phase of a run, as the recovery store keeps them. */
export type RecoveryCounters = {
  listed: number;
  inWindow: number;
  queued: number;
  skipped: number;
  failed: number;
  unsupported: number;
  batches: number;
};

/** What RecordProgress answers (the child workflow's last output). */
export type RecordProgressOutput = {
  counters: RecoveryCounters;
  /** Where this batch's failed keys were written, when any failed. */
  failedKeysAt?: string;
  /** Whether the progress message was edited this time. */
  edited: boolean;
};

/**
 * CountBefore / CountAfter: collect-clickhouse's second input kind.
 * The window is the recovery window.
 */
export const countRecordsInputSchema = /* @__PURE__ */ schema(() =>
  z.object({
    kind: z.literal('count-records'),
    fileSystemId: fileSystemIdSchema,
    window: recoveryWindowSchema,
  }),
);
export type CountRecordsInput = z.infer<typeof countRecordsInputSchema>;

/** CountBefore / CountAfter's output: the counts, or why there are none. */
export type CountRecordsOutput = RecordCounts | { error: string };

/**
 * Why an offer was answered without a person: nothing to replay, a dry
 * run, policy off (all three stop after counting), or policy auto.
 */
export const OFFER_REASONS = [
  'nothing-to-replay',
  'dry-run',
  'policy-off',
  'auto',
] as const;
export type OfferReason = (typeof OFFER_REASONS)[number];

/**
 * The offer's answer, at `$.offer`: the approver's (`{approved, by}`,
 * sent by the Slack interactions function), or the policy's, with the
 * reason.
 */
export const offerAnswerSchema = /* @__PURE__ */ schema(() =>
  z.object({
    approved: z.boolean(),
    by: z.optional(z.string()),
    reason: z.optional(z.enum(OFFER_REASONS)),
  }),
);
export type OfferAnswer = z.infer<typeof offerAnswerSchema>;

/**
 * The state after PlanRecovery, as later steps read it: the plan, the
 * counts, the offer's answer, and what the error catchers left.
 */
export const recoveryStateSchema = /* @__PURE__ */ schema(() =>
  z.object({
    input: z.optional(recoveryInputSchema),
    plan: recoveryPlanSchema,
    before: z.optional(z.unknown()),
    after: z.optional(z.unknown()),
    offer: z.optional(z.unknown()),
    /** A Catch's error object, when the replay pass failed. */
    error: z.optional(z.unknown()),
    phase: z.optional(recoveryPhaseSchema),
  }),
);
export type RecoveryState = z.infer<typeof recoveryStateSchema>;

/** OfferRecovery's Task input: the state and, under approve, the token. */
export const offerRecoveryInputSchema = /* @__PURE__ */ schema(() =>
  z.extend(recoveryStateSchema, {
    taskToken: z.optional(z.string().check(z.minLength(1))),
  }),
);
export type OfferRecoveryInput = z.infer<typeof offerRecoveryInputSchema>;

/** FinishRecovery's output (the execution's output). */
export type FinishRecoveryOutput = RecoveryReport;
