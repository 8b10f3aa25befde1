/**
 * The incident store of a deployed function (see wiring/cloudwatch.ts):
 * the table is the `Incidents` link sst.config.ts gives the function.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import type { AppConfig } from '../../domain/config.ts';
import type {
  AdvisorStore,
  IncidentStore,
  RecoveryStore,
} from '../../domain/ports.ts';
import { type AwsCallLimits, awsClientOptions } from '../aws-clients.ts';
import { createDynamoAdvisorStore } from '../dynamo-advisor-store.ts';
import { createDynamoIncidentStore } from '../dynamo-incident-store.ts';

/** The linked table, reached with burstguard's deadlines. */
function linkedTable(config: AppConfig, limits: Partial<AwsCallLimits>) {
  return {
    client: DynamoDBDocumentClient.from(
      new DynamoDBClient(awsClientOptions(config.region, limits)),
    ),
    tableName: Resource.Incidents.name,
  };
}

/** The store on the linked table; `limits` tighten the call deadlines. */
export function incidentStore(
  config: AppConfig,
  limits: Partial<AwsCallLimits> = {},
): IncidentStore & RecoveryStore {
  return createDynamoIncidentStore(linkedTable(config, limits));
}

/**
 * The advisor's cached prices, snoozes and queued Applies, in the same
 * linked table.
 */
export function advisorStore(
  config: AppConfig,
  limits: Partial<AwsCallLimits> = {},
): AdvisorStore {
  return createDynamoAdvisorStore(linkedTable(config, limits));
}
