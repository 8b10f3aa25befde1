/**
 * Runs s3rver in its own Node process (started by test/support/s3rver.ts
 * with --openssl-legacy-provider): s3rver 3.7.1 encrypts ListObjectsV2
 * continuation tokens with DES (lib/controllers/bucket.js,
 * generateContinuationToken), which OpenSSL 3 in Node 17 and later refuses
 * (ERR_OSSL_EVP_UNSUPPORTED) unless the legacy provider is loaded.
 * argv: the data directory. Prints {"port": N} once listening.
 */
import { createRequire } from 'node:module';

const S3rver = createRequire(import.meta.url)('s3rver');
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: process.env.S3RVER_LOG === undefined,
  directory: process.argv[2],
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => {
  server.close().then(() => process.exit(0));
});
