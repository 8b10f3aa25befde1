/**
 * Listing and batching 1,000,000 keys the way the recovery's Distributed Map
 * does locally (local/distributed-map.ts), from an in-memory ListObjectsV2
 * double: the same `send(ListObjectsV2Command)` as @aws-sdk/client-s3's
 * S3Client, pages of at most 1,000 keys (Amazon S3 API reference,
 * ListObjectsV2) with IsTruncated and NextContinuationToken, keys made as
 * they are asked for so the double itself holds no list.
 *
 * Reported: keys per second, and the peak of process.memoryUsage() rss and
 * heapUsed sampled after every page.
 */
import {
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  childInputs,
  type DistributedMapState,
  runDistributedMap,
  type S3Sender,
} from '../local/distributed-map.ts';
import {
  buildRecoveryDefinition,
  placeholderRecoveryArns,
} from '../workflows/recovery.ts';
import type { Figure } from './figures.ts';

const KEYS = 1_000_000;
const PAGE = 1000;
const MIB = 1024 * 1024;

/** A bucket of `count` keys under `prefix`, listed 1,000 at a time. */
export function memoryListing(count: number, prefix: string): S3Sender {
  const keyAt = (i: number) =>
    `${prefix}${String(Math.floor(i / 1000) % 60).padStart(2, '0')}/${String(i).padStart(8, '0')}.json`;
  const modified = new Date('2026-11-23T03:12:00Z');
  return {
    async send(command) {
      if (command instanceof PutObjectCommand) return {};
      if (!(command instanceof ListObjectsV2Command)) {
        throw new Error('the listing double answers ListObjectsV2 only');
      }
      const start = Number(command.input.ContinuationToken ?? 0);
      const max = Math.min(command.input.MaxKeys ?? PAGE, PAGE);
      const end = Math.min(start + max, count);
      const contents = [];
      for (let i = start; i < end; i++) {
        contents.push({
          Key: keyAt(i),
          LastModified: modified,
          ETag: '"0f343b0931126a20f133d67c2b018a3b"',
          Size: 1024,
          StorageClass: 'STANDARD' as const,
        });
      }
      const out: ListObjectsV2CommandOutput = {
        $metadata: {},
        Contents: contents,
        KeyCount: contents.length,
        MaxKeys: max,
        IsTruncated: end < count,
        ...(end < count ? { NextContinuationToken: String(end) } : {}),
      };
      return out;
    },
  };
}

function sampler() {
  const peak = { rss: 0, heapUsed: 0 };
  const base = process.memoryUsage();
  return {
    base,
    peak,
    sample() {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    },
  };
}

const input = {
  plan: {
    runId: 'bench',
    fileSystemId: 'fs-0123456789abcdef0',
    window: { from: '2026-11-23T02:00:00Z', to: '2026-11-23T04:00:00Z' },
    bucket: 'langfuse-events',
    eventsPrefix: '',
  },
  phase: 'count',
  cursor: { index: 0, count: 1, dryRun: true },
  current: { prefix: 'otel/p1/2026/11/23/03/', kind: 'otel' },
};

function mapState(batchSize: number): DistributedMapState {
  return buildRecoveryDefinition(placeholderRecoveryArns(), undefined, {
    resultsBucket: 'burstguard-own',
    batchSize,
    maxConcurrency: 40,
  }).States.ReplayPrefix as unknown as DistributedMapState;
}

export async function benchRecoveryListing(): Promise<Figure[]> {
  const s3 = memoryListing(KEYS, input.current.prefix);
  const memory = sampler();
  let keys = 0;
  let batches = 0;
  const started = performance.now();
  for await (const batch of childInputs(mapState(1000), input, s3)) {
    keys += (batch as { Items: unknown[] }).Items.length;
    batches++;
    memory.sample();
  }
  const seconds = (performance.now() - started) / 1000;
  if (keys !== KEYS || batches !== KEYS / 1000) {
    throw new Error(`listed ${keys} keys in ${batches} batches`);
  }

  // The whole Map Run: 2,000 batches of 500 through aws-local-stepfunctions
  // children that do nothing, the run record keeping every child's input.
  const run = sampler();
  const runStarted = performance.now();
  const timer = setInterval(() => run.sample(), 50);
  await runDistributedMap(mapState(500), input, {
    s3,
    executionId:
      'arn:aws:states:us-east-1:000000000000:execution:burstguard-recovery-bench:one',
    stateName: 'ReplayPrefix',
    taskHandlers: {
      ReplayBatch: async () => ({ queued: 0 }),
      RecordProgress: async () => ({}),
    },
  });
  clearInterval(timer);
  run.sample();
  const runSeconds = (performance.now() - runStarted) / 1000;

  const reported = (figure: string, value: number, unit: string) => ({
    figure: `recovery: ${figure}`,
    value: Math.round(value),
    unit,
    budget: 'reported',
  });
  return [
    reported(
      'list + batch 1,000,000 keys (pages of 1,000)',
      KEYS / seconds,
      'keys/s',
    ),
    reported('list + batch, peak rss', memory.peak.rss / MIB, 'MiB'),
    reported('list + batch, peak heapUsed', memory.peak.heapUsed / MIB, 'MiB'),
    reported(
      'local Map Run, 1,000,000 keys, no-op children',
      KEYS / runSeconds,
      'keys/s',
    ),
    reported('local Map Run, peak rss', run.peak.rss / MIB, 'MiB'),
    reported('local Map Run, peak heapUsed', run.peak.heapUsed / MIB, 'MiB'),
  ];
}
