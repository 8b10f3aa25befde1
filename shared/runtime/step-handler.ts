/**
 * The one shape every step's Lambda has: middy, the Powertools logger with
 * the Lambda context, the state checked against its contract, then the core.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import type { Trigger } from '../domain/contracts.ts';
import { parseOrThrow, StateInputError } from '../domain/errors.ts';

export type StepHandler<TResult> = (
  event: unknown,
  context: Context,
) => Promise<TResult>;

/** Parses a state with its schema; a mismatch names the first bad field. */
export function parseState<T>(schema: z.ZodType<T>, event: unknown): T {
  return parseOrThrow(schema, event, {
    error: StateInputError,
    what: 'state',
    root: '(state)',
    otherwise: 'does not match the contract',
  });
}

/**
 * Builds a step handler. `run` receives the parsed input; errors keep their
 * names, which is what the state machine's Retry and Catch match.
 */
export function stepHandler<TInput, TResult>(options: {
  serviceName: string;
  logger?: Logger;
  parse: (event: unknown) => TInput;
  run: (input: TInput, logger: Logger) => Promise<TResult>;
}): StepHandler<TResult> {
  const logger =
    options.logger ?? new Logger({ serviceName: options.serviceName });
  const handler = middy<unknown, TResult>()
    .use(injectLambdaContext(logger, { clearState: true }))
    .handler(async (event: unknown) => {
      const input = options.parse(event);
      return options.run(input, logger);
    });
  return handler as unknown as StepHandler<TResult>;
}

/** A Lambda context for local runs: the fields Powertools reads. */
export function localContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * A Gather branch's handler: the state after OpenIncident in, evidence out,
 * an unavailable source logged as a warning (it is evidence, not a failure).
 */
export function collectorHandler<TPorts>(options: {
  serviceName: string;
  logger?: Logger;
  schema: z.ZodType<{ trigger: Trigger }>;
  collect: (
    trigger: Trigger,
    ports: TPorts,
  ) => Promise<{ source: string; available: boolean; reason?: string }>;
  ports: TPorts;
}) {
  return stepHandler({
    serviceName: options.serviceName,
    logger: options.logger,
    parse: (event) => parseState(options.schema, event),
    run: async (state, log) => {
      const evidence = await options.collect(state.trigger, options.ports);
      if (evidence.available) {
        log.info('evidence collected', { source: evidence.source });
      } else {
        log.warn('source unavailable', {
          source: evidence.source,
          reason: evidence.reason,
        });
      }
      return evidence;
    },
  });
}
