/**
 * `burstguard diagnose --evidence FILE`: the diagnosis engine alone, on a
 * `replay --json` / `demo --json` output or a bare Evidence file.
 */
import { readFile } from 'node:fs/promises';
import {
  type Evidence,
  evidenceSchema,
} from '../../shared/domain/contracts.ts';
import { defineCommand, stringFlag } from '../flags.ts';
import { parseTimeFlag, UsageError } from '../output.ts';

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
  const start = parseTimeFlag('--window-start', windowStart);
  const end = parseTimeFlag('--window-end', windowEnd);
  if (end.getTime() <= start.getTime()) {
    throw new UsageError(
      `--window-end (${windowEnd}) must be after --window-start (${windowStart})`,
    );
  }
  return { region, windowStart, windowEnd };
}

/** `burstguard diagnose --evidence FILE`. */
export const diagnoseCommand = defineCommand(
  {
    name: 'diagnose',
    summary:
      'runs the diagnosis engine alone on a replay/demo --json output or a bare Evidence file',
    flags: {
      evidence: {
        type: 'string',
        required: true,
        value: 'FILE',
        help: 'a replay or demo --json output, or a bare Evidence JSON file',
      },
      json: {
        type: 'boolean',
        help: 'print {diagnosis, recommendation} as JSON instead of text',
      },
      region: {
        type: 'string',
        value: 'R',
        help: "the AWS region costs are priced for (default: the file's trigger)",
      },
      'window-start': {
        type: 'string',
        value: 'ISO',
        help: "the window's start, ISO 8601 (default: the file's trigger)",
      },
      'window-end': {
        type: 'string',
        value: 'ISO',
        help: "the window's end, ISO 8601 (default: the file's trigger)",
      },
    },
    notes: [
      'A bare Evidence file has no trigger: give --region, --window-start and --window-end.',
    ],
  },
  async ({ values }, io) => {
    const path = stringFlag(values, 'evidence');
    if (!path) throw new UsageError('diagnose needs --evidence FILE');
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
      region: stringFlag(values, 'region'),
      windowStart: stringFlag(values, 'window-start'),
      windowEnd: stringFlag(values, 'window-end'),
    });
    const { diagnose } = await import(
      '../../shared/domain/diagnosis/engine.ts'
    );
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
  },
);
