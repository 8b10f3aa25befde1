/**
 * The weekly advisor over 14 days of 1-minute data for 50 file systems, as
 * the deployed function runs it (functions/advisor/core.ts runAdvisor): per
 * file system one DescribeFileSystems and one GetMetricData answer of six
 * series × 20,160 datapoints (timestamps as the SDK gives them, Date
 * objects), the trace, every mode simulated, the advice, and the digest.
 * Time is the median of a few runs; peak memory is the largest heap plus
 * array buffers seen between file systems, above what was in use before.
 */
import { runAdvisor } from '../functions/advisor/core.ts';
import type { MetricDataResult } from '../shared/domain/aws-shapes.ts';
import { appConfigSchema } from '../shared/domain/config.ts';
import type { MetricsPort } from '../shared/domain/ports.ts';
import { priceTable } from '../shared/domain/pricing.ts';
import { type Figure, median } from './figures.ts';

const FILE_SYSTEMS = 50;
const DAYS = 14;
const RUNS = 3;
const MiB = 1024 ** 2;

function fsId(i: number): string {
  return `fs-${(0xbe0c000 + i).toString(16).padStart(17, '0')}`;
}

/** GetMetricData as the SDK answers it, made on each call. */
function metrics(onCall: () => void): MetricsPort {
  return {
    async getMetricData({ queries, start, periodSeconds }) {
      onCall();
      const n = DAYS * 1440;
      const t0 = start.getTime();
      return queries.map((q, k): MetricDataResult => {
        const timestamps: Date[] = new Array(n);
        const values: number[] = new Array(n);
        let s = k + 7;
        for (let i = 0; i < n; i++) {
          s = (s * 1103515245 + 12345) % 2147483648;
          timestamps[i] = new Date(t0 + i * periodSeconds * 1000);
          values[i] = (1 + (s / 2147483648) * 4) * MiB * periodSeconds;
        }
        return {
          Id: q.id,
          Label: q.label,
          Timestamps: timestamps,
          Values: values,
          StatusCode: 'Complete',
        } as unknown as MetricDataResult;
      });
    },
  };
}

export async function benchAdvisor(): Promise<Figure[]> {
  const config = appConfigSchema.parse({
    fileSystems: Array.from({ length: FILE_SYSTEMS }, (_, i) => ({
      fileSystemId: fsId(i),
    })),
  });
  const now = new Date('2026-11-23T00:00:00Z');
  const times: number[] = [];
  let peak = 0;
  for (let run = 0; run < RUNS; run++) {
    globalThis.gc?.();
    const before = process.memoryUsage();
    const base = before.heapUsed + before.arrayBuffers;
    const sample = () => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base);
    };
    const t = performance.now();
    const report = await runAdvisor({
      config,
      clock: { now: () => now },
      efs: {
        async describeFileSystem(id) {
          sample();
          return {
            FileSystemId: id,
            LifeCycleState: 'available',
            PerformanceMode: 'generalPurpose',
            ThroughputMode: 'elastic',
            SizeInBytes: {
              Value: 50 * 1024 ** 3,
              ValueInStandard: 50 * 1024 ** 3,
            },
          } as never;
        },
      },
      metrics: metrics(sample),
      slack: {
        async postMessage() {
          sample();
          return { channel: 'C1', ts: '1.1' };
        },
      },
      store: {
        async cachedPrices() {
          return undefined;
        },
        async cachePrices() {},
        async snoozedUntil() {
          return undefined;
        },
        async snooze() {},
        async requestApply() {},
        async pendingApply() {
          return undefined;
        },
        async clearApply() {},
      },
      prices: async () => ({
        table: priceTable('us-east-1'),
        origin: 'built-in',
      }),
    });
    times.push(performance.now() - t);
    sample();
    const advised = report.results.filter((r) => r.outcome === 'advised');
    if (advised.length !== FILE_SYSTEMS) {
      throw new Error(
        `advised ${advised.length} of ${FILE_SYSTEMS}: ${JSON.stringify(report.results.find((r) => r.outcome === 'failed'))}`,
      );
    }
  }
  return [
    {
      figure: `advisor: ${FILE_SYSTEMS} file systems × ${DAYS} days of 1-minute data, 6 series (median of ${RUNS})`,
      value: Math.round(median(times)),
      unit: 'ms',
      budget: '<= 60000 ms',
    },
    {
      figure: `advisor: peak heap + buffers above the start, ${FILE_SYSTEMS} file systems`,
      value: Math.round(peak / MiB),
      unit: 'MiB',
      budget: '<= 512 MiB',
    },
  ];
}
