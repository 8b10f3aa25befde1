/**
 * Linked resources as a deployed SST 4 function receives them. SST does
 * not put links in the environment when it deploys: it encrypts them into
 * `resource.enc` in the function's artifact and sets SST_KEY (the base64
 * AES-256 key) and SST_KEY_FILE=resource.enc, plus SST_RESOURCE_App
 * (platform src/components/aws/function.ts, normalizeEnvironment). The
 * file is AES-256-GCM with a zero 12-byte nonce, the tag appended, over
 * the JSON of `{Name: {...properties, type}}` (sst repo
 * pkg/runtime/runtime.go, `resource.enc`; read back by the installed
 * sst package, dist/resource/node.js). A link's type is its URN type with
 * `:` as `.` (platform src/components/link.ts).
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type SstLinks = Record<string, Record<string, unknown>>;

/** Writes `<dir>/resource.enc`; returns the variables SST sets with it. */
export async function writeSstResources(
  dir: string,
  links: SstLinks,
  app: { name: string; stage: string },
): Promise<Record<string, string>> {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.alloc(12, 0));
  const sealed = Buffer.concat([
    cipher.update(JSON.stringify(links), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  await writeFile(join(dir, 'resource.enc'), sealed);
  return {
    SST_RESOURCE_App: JSON.stringify(app),
    SST_KEY: key.toString('base64'),
    SST_KEY_FILE: 'resource.enc',
  };
}

/** An `sst.Secret` link. */
export function secretLink(value: string): Record<string, unknown> {
  return { value, type: 'sst.sst.Secret' };
}

/** An `sst.Linkable` link with its properties. */
export function linkableLink(
  properties: Record<string, unknown>,
): Record<string, unknown> {
  return { ...properties, type: 'sst.sst.Linkable' };
}
