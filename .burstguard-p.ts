import { main } from '/work/wt/flow/cli/main.ts';
import { writeRecording } from '/work/wt/flow/local/recording-format.ts';
import { simulateScenario } from '/work/wt/flow/local/scenarios.ts';
import { mkdtemp } from 'node:fs/promises';
const dir = await mkdtemp('/tmp/bg-');
await writeRecording(dir, simulateScenario('credits-exhausted', { end: new Date('2026-11-23T03:12:00Z') }));
const flags = process.argv.slice(2);
const code = await main(['replay', dir, ...flags], { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t), color: false });
console.log('code', code);
