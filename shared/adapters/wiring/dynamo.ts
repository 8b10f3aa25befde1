/**
 * The incident store of a deployed function (see wiring/cloudwatch.ts):
 * the table is the `Incidents` link sst.config.ts gives the function.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import type { AppConfig } from '../../domain/config.ts';
import type { IncidentStore } from '../../domain/ports.ts';
import { type AwsCallLimits, oneClientPerContainer } from '../aws-clients.ts';
import { createDynamoIncidentStore } from '../dynamo-incident-store.ts';

const documents = oneClientPerContainer((options) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(options)),
);

/** The store on the linked table; `limits` tighten the call deadlines. */
export function incidentStore(
  config: AppConfig,
  limits: Partial<AwsCallLimits> = {},
): IncidentStore {
  return createDynamoIncidentStore({
    client: documents(config.region, limits),
    tableName: Resource.Incidents.name,
  });
}
