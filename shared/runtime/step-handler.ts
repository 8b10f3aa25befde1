/**
 * The one shape every step's Lambda has: middy, the Powertools logger with
 * the Lambda context, the state checked against its contract, then the core.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Trigger } from '../domain/contracts.ts';
import { parseOrThrow, StateInputError } from '../domain/errors.ts';

export type StepHandler<TResult> = (
  event: unknown,
  context: Context,
) => Promise<TResult>;

/** Parses a state with its schema; a mismatch names the first bad field. */
export function parseState<T>(schema: z.ZodMiniType<T>, event: unknown): T {
  return parseOrThrow(schema, event, {
    error: StateInputError,
    what: 'state',
    root: '(state)',
    otherwise: 'does not match the contract',
  });
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

/** What a step's lambda.ts exports: the handler for given ports. */
export type StepFactory<TPorts, TResult> = (
  ports: TPorts,
  logger?: Logger,
) => StepHandler<TResult>;

/**
 * What differs between steps besides the contract: the core call on its
 * ports, and the log line that records the outcome. A step whose log lines
 * come between core calls logs from `run`, which is handed the logger too.
 */
export type StepParts<TInput, TPorts, TResult> = {
  run: (
    input: TInput,
    ports: TPorts,
    logger: Logger,
  ) => TResult | Promise<TResult>;
  log?: (logger: Logger, result: TResult, input: TInput) => void;
};

/**
 * middy with the Powertools logger and the Lambda context, then the parsed
 * input through `run`; errors keep their names, which is what the state
 * machine's Retry and Catch match.
 */
function stepFactory<TInput, TPorts, TResult>(
  serviceName: string,
  parse: (event: unknown) => TInput,
  step: StepParts<TInput, TPorts, TResult>,
): StepFactory<TPorts, TResult> {
  return (ports, logger = new Logger({ serviceName })) =>
    middy<unknown, TResult>()
      .use(injectLambdaContext(logger, { clearState: true }))
      .handler(async (event: unknown) => {
        const input = parse(event);
        const result = await step.run(input, ports, logger);
        step.log?.(logger, result, input);
        return result;
      }) as unknown as StepHandler<TResult>;
}

/** A step whose state is checked against its contract first. */
export function defineStep<TInput, TPorts, TResult>(
  serviceName: string,
  step: StepParts<TInput, TPorts, TResult> & { schema: z.ZodMiniType<TInput> },
): StepFactory<TPorts, TResult> {
  return stepFactory(
    serviceName,
    (event) => parseState(step.schema, event),
    step,
  );
}

/**
 * A step that takes the event as it comes: a trigger of any shape
 * (Normalize), or a schedule's (the preflight).
 */
export function defineEventStep<TPorts, TResult>(
  serviceName: string,
  step: StepParts<unknown, TPorts, TResult>,
): StepFactory<TPorts, TResult> {
  return stepFactory(serviceName, (event) => event, step);
}

/**
 * A Gather branch's factory: the state after OpenIncident in, evidence
 * out, an unavailable source logged as a warning (it is evidence, not a
 * failure).
 */
export function defineCollector<TPorts>(
  serviceName: string,
  schema: z.ZodMiniType<{ trigger: Trigger }>,
  collect: (
    trigger: Trigger,
    ports: TPorts,
  ) => Promise<{ source: string; available: boolean; reason?: string }>,
) {
  return stepFactory(serviceName, (event) => parseState(schema, event), {
    run: (state, ports: TPorts) => collect(state.trigger, ports),
    log: (log, evidence) => {
      if (evidence.available) {
        log.info('evidence collected', { source: evidence.source });
      } else {
        log.warn('source unavailable', {
          source: evidence.source,
          reason: evidence.reason,
        });
      }
    },
  });
}
