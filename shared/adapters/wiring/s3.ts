/**
 * The recovery's S3 ports of a deployed function: one S3 client per cold
 * start, with burstguard's deadlines (shared/adapters/aws-clients.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { AppConfig } from '../../domain/config.ts';
import type {
  EventsListingPort,
  RecoveryArtifactsPort,
} from '../../domain/ports.ts';
import { awsClientOptions } from '../aws-clients.ts';
import { createEventsListing, createRecoveryArtifacts } from '../s3-events.ts';

let client: S3Client | undefined;

function s3Client(config: AppConfig): S3Client {
  client ??= new S3Client(awsClientOptions(config.region));
  return client;
}

/** Lists Langfuse's events bucket. */
export function eventsListing(config: AppConfig): EventsListingPort {
  return createEventsListing(s3Client(config));
}

/** Writes to burstguard's own bucket. */
export function recoveryArtifacts(config: AppConfig): RecoveryArtifactsPort {
  return createRecoveryArtifacts(s3Client(config));
}
