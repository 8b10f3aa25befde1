/**
 * A DynamoDB on loopback: dynalite (in-memory LevelDB) on 127.0.0.1 and a
 * free port, reached with the real AWS SDK v3 clients and fake credentials.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type DynaliteFactory = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export type LocalDynamo = {
  endpoint: string;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  /** Creates a table keyed by one string partition key; waits until ACTIVE. */
  createTable(tableName: string, partitionKey: string): Promise<void>;
  close(): Promise<void>;
};

/** Starts dynalite on 127.0.0.1, port 0, with tables active at once. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const documentClient = DynamoDBDocumentClient.from(client);

  return {
    endpoint,
    client,
    documentClient,
    async createTable(tableName, partitionKey) {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [
            { AttributeName: partitionKey, AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await waitUntilTableExists(
        { client, maxWaitTime: 10, minDelay: 1, maxDelay: 1 },
        { TableName: tableName },
      );
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
