/**
 * `burstguard diagnose --evidence FILE`: the diagnosis engine alone, on a
 * `replay --json` / `demo --json` output or a bare Evidence file.
 */
import { readFile } from 'node:fs/promises';
import {
  type Evidence,
  evidenceSchema,
  isoTimeSchema,
} from '../../shared/domain/contracts.ts';
import { type Io, parseFlags, UsageError } from '../output.ts';

/** The window and region a diagnosis is priced and rated over. */
export type DiagnoseWindow = {
  region: string;
  windowStart: string;
  windowEnd: string;
};

const BARE_EVIDENCE_USAGE =
  'a bare Evidence file needs --region, --window-start and --window-end (ISO 8601, e.g. 2026-11-23T00:12:00Z); a replay or demo --json output carries them in its trigger';

/**
 * The window and region for `diagnose --evidence`: the flags when given,
 * else the trigger of a `replay --json` / `demo --json` output. A bare
 * Evidence file has no trigger, so it needs all three flags.
 */
export function diagnoseWindow(
  raw: unknown,
  flags: { region?: string; windowStart?: string; windowEnd?: string },
): DiagnoseWindow {
  const trigger = (raw as { trigger?: unknown })?.trigger as
    | { region?: unknown; windowStart?: unknown; windowEnd?: unknown }
    | null
    | undefined;
  const fromTrigger = (key: 'region' | 'windowStart' | 'windowEnd') => {
    const value = trigger?.[key];
    return typeof value === 'string' ? value : undefined;
  };
  const region = flags.region ?? fromTrigger('region');
  const windowStart = flags.windowStart ?? fromTrigger('windowStart');
  const windowEnd = flags.windowEnd ?? fromTrigger('windowEnd');
  if (!region || !windowStart || !windowEnd) {
    throw new UsageError(BARE_EVIDENCE_USAGE);
  }
  for (const [flag, value] of [
    ['--window-start', windowStart],
    ['--window-end', windowEnd],
  ] as const) {
    if (!isoTimeSchema.safeParse(value).success) {
      throw new UsageError(
        `${flag} must be an ISO 8601 time such as 2026-11-23T00:12:00Z, not ${value}`,
      );
    }
  }
  if (Date.parse(windowEnd) <= Date.parse(windowStart)) {
    throw new UsageError(
      `--window-end (${windowEnd}) must be after --window-start (${windowStart})`,
    );
  }
  return { region, windowStart, windowEnd };
}

export async function diagnoseCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, {
    evidence: { type: 'string' },
    json: { type: 'boolean', default: false },
    region: { type: 'string' },
    'window-start': { type: 'string' },
    'window-end': { type: 'string' },
  });
  if (!values.evidence) throw new UsageError('diagnose needs --evidence FILE');
  const path = String(values.evidence);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code ? `${path}: cannot read (${code})` : `${path}: not valid JSON`,
    );
  }
  // An evidence file is Evidence, or a `replay --json`-like object holding it.
  const parsed = evidenceSchema.safeParse(
    (raw as { evidence?: unknown })?.evidence ?? raw,
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'not evidence'}`,
    );
  }
  const evidence: Evidence = parsed.data;
  const window = diagnoseWindow(raw, {
    region: values.region as string | undefined,
    windowStart: values['window-start'] as string | undefined,
    windowEnd: values['window-end'] as string | undefined,
  });
  const { diagnose } = await import('../../shared/domain/diagnosis/engine.ts');
  const { diagnosis, recommendation } = diagnose(evidence, window);
  if (values.json) {
    io.out(`${JSON.stringify({ diagnosis, recommendation }, null, 2)}\n`);
  } else {
    io.out(
      `${[
        `verdict: ${diagnosis.verdict} (confidence ${diagnosis.confidence.toFixed(2)})`,
        diagnosis.headline,
        ...diagnosis.findings.map((f) => `  • ${f}`),
        `action: ${recommendation.action}: ${recommendation.summary}`,
        `window ${window.windowStart} to ${window.windowEnd}, ${window.region}`,
      ].join('\n')}\n`,
    );
  }
  return 0;
}
