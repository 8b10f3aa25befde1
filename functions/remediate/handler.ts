// Production entry: IAM allows UpdateFileSystem on allowlisted ARNs only.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EFSClient } from '@aws-sdk/client-efs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Resource } from 'sst';
import { awsClientOptions } from '../../shared/adapters/aws-clients.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import { readConfigFromEnv } from '../../shared/config.ts';
import { createRemediateHandler } from './lambda.ts';

const config = readConfigFromEnv(process.env);

export const handler = createRemediateHandler({
  efs: createEfsPort(new EFSClient(awsClientOptions(config.region))),
  store: createDynamoIncidentStore({
    client: DynamoDBDocumentClient.from(
      new DynamoDBClient(awsClientOptions(config.region)),
    ),
    tableName: Resource.Incidents.name,
  }),
  clock: { now: () => new Date() },
  config,
});
