/**
 * Powertools loggers whose structured lines are kept in memory, one parsed
 * JSON object per line: what CloudWatch Logs would hold for a Lambda. The
 * logger writes through its own `console` (Powertools for AWS Lambda,
 * logger `setConsole`), replaced here by one over a memory stream.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';

export type CapturedLog = {
  lines: Record<string, unknown>[];
  /** A logger factory for runLocal's `logger` option. */
  logger: (serviceName: string) => Logger;
};

/** Captures every line the step loggers write, at INFO and above. */
export function captureLogs(): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim())
          lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const memory = new Console({ stdout: stream, stderr: stream });
  return {
    lines,
    logger(serviceName) {
      const logger = new Logger({ serviceName, logLevel: 'INFO' });
      Reflect.set(logger, 'console', memory);
      return logger;
    },
  };
}
