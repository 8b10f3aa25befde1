/**
 * Named errors. Each sets a literal `name`, which is the `errorType` Lambda
 * reports and the `Error` a Step Functions Retry or Catch matches, so the
 * state machine refers to these constants, never to retyped strings.
 */
import type * as z from 'zod/mini';

/**
 * Base of every error burstguard raises on purpose. Each named error gives
 * its `errorName` as a string literal (through namedError: a bundler may
 * rename classes, never strings), and the constructor makes it the error's
 * `name`.
 */
export class BurstguardError extends Error {
  static readonly errorName: string = 'BurstguardError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = (new.target as typeof BurstguardError).errorName;
  }
}

/**
 * The base of one named error: `class X extends namedError('X') {}`. The
 * name keeps its literal type, so lists of error names (TRIGGER_ERRORS, the
 * ASL's Catch lists) are built from the classes.
 */
function namedError<const N extends string>(errorName: N) {
  return class extends BurstguardError {
    static override readonly errorName: N = errorName;
  };
}

/** The trigger is not an alarm event or console input burstguard accepts. */
export class InvalidTriggerError extends namedError('InvalidTriggerError') {}

/** The trigger names no file system this deployment is configured for. */
export class UnknownFileSystemError extends namedError(
  'UnknownFileSystemError',
) {}

/** EFS says the file system does not exist (FileSystemNotFound, 404). */
export class FileSystemNotFoundError extends namedError(
  'FileSystemNotFoundError',
) {}

/** A source of evidence could not be read; its branch reports it as such. */
export class SourceUnavailableError extends namedError(
  'SourceUnavailableError',
) {}

/** A configuration value is missing or malformed (read at cold start). */
export class ConfigurationError extends namedError('ConfigurationError') {}

/** A recording directory is missing a file or holds malformed JSON. */
export class RecordingError extends namedError('RecordingError') {}

/** Slack did not take the message (down, 5xx, rate limited too long). */
export class SlackDeliveryError extends namedError('SlackDeliveryError') {}

/**
 * Langfuse's ingestion replay answered 429: retried by the recovery state
 * machine with backoff and jitter. `retryAfterSeconds` is the Retry-After
 * header, when Langfuse (or a proxy in front of it) sent one.
 */
export class LangfuseRateLimitedError extends namedError(
  'LangfuseRateLimitedError',
) {
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/**
 * Langfuse's ingestion replay answered 5xx, did not answer in time, or
 * answered something that is not its answer: retried a few times.
 */
export class LangfuseUnavailableError extends namedError(
  'LangfuseUnavailableError',
) {}

/**
 * Langfuse refused the request itself (400 bad body, 401 wrong admin key,
 * 403 no ADMIN_API_KEY set): retrying cannot help.
 */
export class LangfuseRejectedError extends namedError(
  'LangfuseRejectedError',
) {}

/** Lambda service errors a Task should retry (Step Functions docs). */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * What a Catch lists to catch every error: States.ALL must stand alone in
 * its catcher and does not match States.DataLimitExceeded (Step Functions
 * developer guide, "error handling"), so that one gets a catcher first.
 */
export const CATCH_ALL_ERRORS = [
  ['States.DataLimitExceeded'],
  ['States.ALL'],
] as const;

/** Errors that end the run: the trigger itself is wrong. */
export const TRIGGER_ERRORS = [
  InvalidTriggerError.errorName,
  UnknownFileSystemError.errorName,
] as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters to replace
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** One line for a person: the error's message without a stack. */
export function oneLine(error: unknown): string {
  const text =
    error instanceof Error ? error.message || error.name : String(error);
  // One line, and no terminal control sequence (an alarm name can carry
  // ESC ... that a terminal would run): shown as U+FFFD.
  return text.replace(/\s+/g, ' ').trim().replace(CONTROL_CHARACTERS, '\ufffd');
}

/** A step received a state that does not match its contract (a bug). */
export class StateInputError extends namedError('StateInputError') {}

/** An AWS answer without the shape its API reference documents. */
export class UnexpectedResponseError extends namedError(
  'UnexpectedResponseError',
) {}

/**
 * The errorMessage of a Lambda error Cause (the JSON Lambda reports to Step
 * Functions: errorType, errorMessage), or the cause itself.
 */
export function causeMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: a Fail state's plain cause.
  }
  return cause;
}

/**
 * Parses `raw` with `schema`, or throws one line that names the first bad
 * field: `${what} ${path}: ${message}`, with `root` for the path when the
 * whole value is wrong and `otherwise` when zod gives no message.
 */
export function parseOrThrow<S extends z.ZodMiniType>(
  schema: S,
  raw: unknown,
  fail: {
    error: new (message: string) => Error;
    what: string;
    root: string;
    otherwise: string;
  },
): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || fail.root;
    throw new fail.error(
      `${fail.what} ${where}: ${issue?.message ?? fail.otherwise}`,
    );
  }
  return result.data;
}
