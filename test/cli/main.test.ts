import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { capture } from '../support/io.ts';

const run = promisify(execFile);

describe('the burstguard command', () => {
  it('prints JSONPath ASL that asl-validator accepts', async () => {
    const { out, io } = capture();
    const code = await main(['definition'], io);
    expect(code).toBe(0);
    const definition = JSON.parse(out.join(''));
    expect(definition.StartAt).toBe('Normalize');
    expect(definition.QueryLanguage).toBeUndefined();
    expect(
      aslValidator(definition, { checkArn: true, checkPaths: true }).isValid,
    ).toBe(true);
    expect(JSON.stringify(definition)).toContain(
      'arn:aws:lambda:us-east-1:123456789012:function:burstguard-normalize',
    );
  });

  it('puts the given region and account in the placeholder ARNs', async () => {
    const { out, io } = capture();
    await main(
      ['definition', '--region', 'eu-west-1', '--account', '999999999999'],
      io,
    );
    expect(out.join('')).toContain(
      'arn:aws:lambda:eu-west-1:999999999999:function:',
    );
  });

  it.each([
    [['frobnicate'], 2, /^burstguard: unknown command "frobnicate"/],
    [
      ['definition', '--nope'],
      2,
      /^burstguard definition: .*--nope.*\(try burstguard definition --help\)/,
    ],
    [['replay'], 2, /^burstguard replay: replay needs a recording directory/],
    [
      ['demo', '--policy', 'sometimes'],
      2,
      /--policy must be off, approve or auto/,
    ],
    [
      ['replay', '/nonexistent/recording'],
      1,
      /^burstguard replay: \/nonexistent\/recording\/meta\.json: missing/,
    ],
    [['diagnose'], 2, /diagnose needs --evidence FILE/],
    [['start', '--file-system', 'fs-0123456789abcdef0'], 2, /no state machine/],
    [['start'], 2, /^burstguard start: --file-system: is required \(try/],
    [
      [
        'start',
        '--file-system',
        'fs-0123456789abcdef0',
        '--window-minutes',
        '5',
      ],
      2,
      /--window-minutes: a whole number from 15 to 21600/,
    ],
    [
      ['record', '--file-system', 'fs-0123456789abcdef0'],
      2,
      /--out: a directory is required/,
    ],
    [
      ['record', '--file-system', 'nope', '--out', '/tmp/x'],
      2,
      /--file-system: must look like fs-/,
    ],
  ])(
    'answers %j with exit %i and one line',
    async (argv, expected, message) => {
      const { err, io } = capture();
      const code = await main(argv, io);
      expect(code).toBe(expected);
      const text = err.join('');
      expect(text).toMatch(message);
      expect(text.trim().split('\n')).toHaveLength(1);
    },
  );

  it('prints usage for --help and exits 0', async () => {
    const { out, io } = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(out.join('')).toContain('burstguard replay DIR');
  });

  it('shows no stack trace from the installed bin on bad input', async () => {
    const error = await run(
      'node',
      ['bin/burstguard.mjs', 'replay', '/nonexistent'],
      {
        env: { ...process.env, NO_COLOR: '1' },
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((error as { code: number }).code).toBe(1);
    const stderr = (error as { stderr: string }).stderr;
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
