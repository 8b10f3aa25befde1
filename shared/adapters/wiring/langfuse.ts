/**
 * The Langfuse admin ports of a deployed function, one per file system
 * with a recovery configuration: its `langfuseUrl` and the
 * `langfuseAdminKey` of its entry in the per-file-system credentials
 * secret (the `ClickHouseCredentials` SST secret sst.config.ts links).
 * Checked at cold start: a malformed secret stops the function with one
 * line naming the file system and the field, never a value.
 */
import { Resource } from 'sst';
import type { AppConfig } from '../../domain/config.ts';
import { parseCredentialsSecret } from '../../domain/credentials.ts';
import type { LangfuseAdminPort } from '../../domain/ports.ts';
import { createLangfuseAdmin } from '../langfuse-admin.ts';

/**
 * Each replay request's deadline: well inside the function's timeout, so
 * a Langfuse that does not answer becomes LangfuseUnavailableError (which
 * the state machine retries) rather than a timed-out Task.
 */
export const LANGFUSE_TIMEOUT_MS = 10_000;

/** The port of a file system, or undefined without a URL or a key. */
export function langfuseAdminPorts(
  config: AppConfig,
): (fileSystemId: string) => LangfuseAdminPort | undefined {
  const entries = parseCredentialsSecret(
    Resource.ClickHouseCredentials.value,
    config,
  );
  const ports = new Map<string, LangfuseAdminPort>();
  for (const fs of config.fileSystems) {
    const adminKey = entries.get(fs.fileSystemId)?.langfuseAdminKey;
    if (!fs.recovery || !adminKey) continue;
    ports.set(
      fs.fileSystemId,
      createLangfuseAdmin({
        baseUrl: fs.recovery.langfuseUrl,
        adminKey,
        timeoutMs: LANGFUSE_TIMEOUT_MS,
      }),
    );
  }
  return (fileSystemId) => ports.get(fileSystemId);
}
