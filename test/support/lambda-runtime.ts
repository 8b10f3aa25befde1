/**
 * Runs a bundle as Lambda's Node.js runtime does, in a fresh Node process
 * (the suite's Node 24, the nodejs24.x major): the artifact's root as the
 * working directory (/var/task), the module imported, its exported handler
 * called once with an event and a Lambda context. A failure to import
 * (a SyntaxError, a throw at module scope) is `phase: 'load'`; one from
 * the handler is `phase: 'invoke'`. Each invocation is a cold start, and
 * says how long the import took (init) and the handler's first call.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Milliseconds, from the child's performance clock. */
export type ColdStart = { initMs: number; invokeMs: number };

export type Invocation =
  | { ok: true; result: unknown; output: string; timing: ColdStart }
  | {
      ok: false;
      phase: 'load' | 'invoke' | 'process';
      errorType: string;
      errorMessage: string;
      output: string;
      timing?: ColdStart;
    };

// The child: no test code, only what the runtime does. The result goes to
// a file because the function's own logs go to stdout.
const CHILD = `
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [file, eventFile, outFile, functionName] = process.argv.slice(1);
const event = JSON.parse((await import('node:fs')).readFileSync(eventFile, 'utf8'));
const done = (value) => writeFileSync(outFile, JSON.stringify(value));
const fail = (phase, error, more = {}) =>
  done({ ok: false, phase, errorType: error?.name ?? typeof error, errorMessage: String(error?.message ?? error), ...more });
let module;
const importing = performance.now();
try {
  module = await import(pathToFileURL(file).href);
} catch (error) {
  fail('load', error);
  process.exit(0);
}
if (typeof module.handler !== 'function') {
  fail('load', { name: 'Runtime.HandlerNotFound', message: 'handler is not exported' });
  process.exit(0);
}
const initMs = performance.now() - importing;
const started = Date.now();
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + functionName,
  memoryLimitInMB: '1024',
  awsRequestId: crypto.randomUUID(),
  logGroupName: '/aws/lambda/' + functionName,
  logStreamName: '2026/11/23/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => Math.max(0, 20_000 - (Date.now() - started)),
  done() {}, fail() {}, succeed() {},
};
const invoking = performance.now();
const timing = () => ({ initMs, invokeMs: performance.now() - invoking });
try {
  const result = await module.handler(event, context);
  done({ ok: true, result: result ?? null, timing: timing() });
} catch (error) {
  fail('invoke', error, { timing: timing() });
}
process.exit(0);
`;

/** Imports `file` in a new Node process and invokes its handler once. */
export async function invokeBundle(input: {
  file: string;
  /** The artifact's root, the runtime's working directory. */
  cwd: string;
  env: Record<string, string>;
  event: unknown;
  functionName: string;
  timeoutMs?: number;
}): Promise<Invocation> {
  const scratch = await mkdtemp(join(tmpdir(), 'burstguard-invoke-'));
  const eventFile = join(scratch, 'event.json');
  const outFile = join(scratch, 'result.json');
  await writeFile(eventFile, JSON.stringify(input.event));
  try {
    const { output, exit } = await new Promise<{
      output: string;
      exit: string | null;
    }>((resolve) => {
      execFile(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          CHILD,
          input.file,
          eventFile,
          outFile,
          input.functionName,
        ],
        {
          cwd: input.cwd,
          env: input.env,
          timeout: input.timeoutMs ?? 25_000,
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          resolve({
            output: `${stdout}${stderr}`,
            exit: error ? error.message : null,
          });
        },
      );
    });
    let text: string;
    try {
      text = await readFile(outFile, 'utf8');
    } catch {
      return {
        ok: false,
        phase: 'process',
        errorType: 'ProcessError',
        errorMessage: exit ?? 'the process wrote no result',
        output,
      };
    }
    return { ...(JSON.parse(text) as Invocation), output };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
