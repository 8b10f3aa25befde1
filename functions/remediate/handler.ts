// Production entry: IAM allows UpdateFileSystem on allowlisted ARNs only.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createRemediationEfsPort } from '../../shared/adapters/aws-efs.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import { readConfigFromEnv } from '../../shared/runtime/config.ts';
import { createRemediateHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createRemediateHandler({
  // UpdateFileSystem is never retried by the SDK (shared/adapters/aws-efs.ts).
  efs: createRemediationEfsPort(config.region),
  store: createDynamoIncidentStore({
    client: DynamoDBDocumentClient.from(
      new DynamoDBClient(awsClientOptions(config.region)),
    ),
    tableName: Resource.Incidents.name,
  }),
  clock: { now: () => new Date() },
  config,
});
