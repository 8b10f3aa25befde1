/**
 * When will the burst credits run out? A Theil-Sen fit (the median of the
 * pairwise slopes) over the recent credit balance: robust to noise and to a
 * few odd datapoints, unlike a fit through two points.
 */
import type { Series } from '../contracts.ts';

/** Pairs sampled at most, so a 15-day series stays fast. */
const MAX_POINTS = 240;

export type Forecast = {
  /** Minutes until the balance reaches zero; null if it is not falling. */
  minutesToZero: number | null;
  /** Bytes per minute, negative while draining. */
  slopeBytesPerMinute: number;
  latestBytes: number | null;
  pointsUsed: number;
};

function median(values: number[]): number {
  // A typed array sorts numerically, natively: much faster than a comparator.
  const sorted = Float64Array.from(values).sort();
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Fits the last `recentMinutes` of a credit series (default: all of it)
 * and extrapolates to zero.
 */
export function forecastExhaustion(
  series: Series | undefined,
  recentMinutes?: number,
): Forecast {
  if (!series) {
    return {
      minutesToZero: null,
      slopeBytesPerMinute: 0,
      latestBytes: null,
      pointsUsed: 0,
    };
  }
  const periodMinutes = series.periodSeconds / 60;
  let points: { t: number; v: number }[] = [];
  series.values.forEach((v, i) => {
    if (v !== null) points.push({ t: i * periodMinutes, v });
  });
  const latest = points.at(-1);
  if (recentMinutes !== undefined && latest) {
    points = points.filter((p) => p.t >= latest.t - recentMinutes);
  }
  if (points.length > MAX_POINTS) {
    const step = points.length / MAX_POINTS;
    points = Array.from(
      { length: MAX_POINTS },
      (_, k) => points[Math.floor(k * step)] as { t: number; v: number },
    );
    if (latest && points.at(-1) !== latest) points.push(latest);
  }
  if (!latest || points.length < 3) {
    return {
      minutesToZero: null,
      slopeBytesPerMinute: 0,
      latestBytes: latest?.v ?? null,
      pointsUsed: points.length,
    };
  }
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i] as { t: number; v: number };
      const b = points[j] as { t: number; v: number };
      if (b.t !== a.t) slopes.push((b.v - a.v) / (b.t - a.t));
    }
  }
  const slope = median(slopes);
  // The intercept is the median residual, anchored at the latest time.
  const level = median(points.map((p) => p.v - slope * (p.t - latest.t)));
  const minutesToZero = slope < 0 ? Math.max(0, level / -slope) : null;
  return {
    minutesToZero,
    slopeBytesPerMinute: slope,
    latestBytes: latest.v,
    pointsUsed: points.length,
  };
}

/** One file system's preflight: will credits run out within the horizon? */
export type PreflightResult = {
  fileSystemId: string;
  warn: boolean;
  minutesToZero: number | null;
  message: string;
};

/**
 * The scheduled preflight: warns for each file system whose credits are
 * forecast to run out within `horizonMinutes`, before Langfuse drops anything.
 */
export function preflightCheck(
  input: { fileSystemId: string; credits: Series | undefined }[],
  horizonMinutes: number,
): PreflightResult[] {
  return input.map(({ fileSystemId, credits }) => {
    const f = forecastExhaustion(credits);
    if (f.latestBytes === null) {
      return {
        fileSystemId,
        warn: false,
        minutesToZero: null,
        message: `${fileSystemId}: no BurstCreditBalance data (not Bursting, or no metrics yet)`,
      };
    }
    const warn = f.minutesToZero !== null && f.minutesToZero <= horizonMinutes;
    const when =
      f.minutesToZero === null
        ? 'not falling'
        : `forecast to run out in ${formatMinutes(f.minutesToZero)}`;
    return {
      fileSystemId,
      warn,
      minutesToZero: f.minutesToZero,
      message: `${fileSystemId}: burst credits ${formatBytes(f.latestBytes)}, ${when}`,
    };
  });
}

/** Bytes in the largest binary unit that keeps one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${Math.round(value)} B`
    : `${value.toFixed(1)} ${units[unit]}`;
}

/** Bytes per second in KiB/s or MiB/s. */
export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond >= 1024 * 1024
    ? `${(bytesPerSecond / 1048576).toFixed(1)} MiB/s`
    : `${(bytesPerSecond / 1024).toFixed(0)} KiB/s`;
}

/** Minutes as "41 min" or "5 h 12 min" or "3.2 days". */
export function formatMinutes(minutes: number): string {
  if (minutes < 90) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) {
    const h = Math.floor(minutes / 60);
    const m = Math.round(minutes - h * 60);
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  return `${(minutes / 1440).toFixed(1)} days`;
}
