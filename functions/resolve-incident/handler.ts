// Production entry: clients created once per container; the incident
// table is linked by sst.config.ts.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import { createAlarmsPort } from '../../shared/adapters/aws-alarms.ts';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createResolveIncidentHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createResolveIncidentHandler({
  alarms: createAlarmsPort(
    new CloudWatchClient(awsClientOptions(config.region)),
  ),
  store: createDynamoIncidentStore({
    client: DynamoDBDocumentClient.from(
      new DynamoDBClient(awsClientOptions(config.region)),
    ),
    tableName: Resource.Incidents.name,
  }),
  clock: { now: () => new Date() },
});
