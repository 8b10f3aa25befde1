// Production entry: the incident table is linked by sst.config.ts.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import { createAlarmsPort } from '../../shared/adapters/aws-alarms.ts';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createOpenIncidentHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

const client = DynamoDBDocumentClient.from(
  new DynamoDBClient(awsClientOptions(config.region)),
);

export const handler = createOpenIncidentHandler({
  store: createDynamoIncidentStore({
    client,
    tableName: Resource.Incidents.name,
  }),
  config,
  // Read only when an ALARM meets an idle incident.
  alarms: createAlarmsPort(
    new CloudWatchClient(awsClientOptions(config.region)),
  ),
});
