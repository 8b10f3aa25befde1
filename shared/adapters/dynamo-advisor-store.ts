/**
 * AdvisorStore over the incident table (partition key `fileSystemId`),
 * under keys no file system id can take (ids are `fs-…`):
 * - `advisor-prices#<region>`: the EFS prices read from the Price List API
 *   (`table`, a map) and when (`readAt`, ISO 8601);
 * - `advisor-snooze#<fileSystemId>`: `snoozedUntil`, `snoozedBy` (a Slack
 *   user id) and `snoozedAt`.
 * GetItem and an unconditional UpdateItem, the two calls the incident
 * table grants (infra/iam.ts INCIDENT_TABLE_ACTIONS): a later write wins,
 * which is what both mean.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AdvisorStore } from '../domain/ports.ts';
import type { PriceTable } from '../domain/pricing.ts';

const PRICES = 'advisor-prices#';
const SNOOZE = 'advisor-snooze#';

function isPriceTable(value: unknown): value is PriceTable {
  const t = value as Partial<PriceTable> | undefined;
  return (
    typeof t?.region === 'string' &&
    typeof t.asOf === 'string' &&
    typeof t.source === 'string' &&
    typeof t.standardStorageUsdPerGbMonth === 'number' &&
    typeof t.elasticReadUsdPerGb === 'number' &&
    typeof t.elasticWriteUsdPerGb === 'number' &&
    typeof t.provisionedUsdPerMibpsMonth === 'number'
  );
}

/** The advisor's items in the incident table. */
export function createDynamoAdvisorStore(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): AdvisorStore {
  const { client, tableName } = options;
  const get = async (key: string) =>
    (
      await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { fileSystemId: key },
          ConsistentRead: true,
        }),
      )
    ).Item;
  return {
    async cachedPrices(region) {
      const item = await get(`${PRICES}${region}`);
      if (!item || typeof item.readAt !== 'string') return undefined;
      return isPriceTable(item.table)
        ? { table: item.table, readAt: item.readAt }
        : undefined;
    },
    async cachePrices({ table, readAt }) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { fileSystemId: `${PRICES}${table.region}` },
          UpdateExpression: 'SET #table = :table, readAt = :readAt',
          // `table` is a DynamoDB reserved word.
          ExpressionAttributeNames: { '#table': 'table' },
          ExpressionAttributeValues: {
            ':table': JSON.parse(JSON.stringify(table)),
            ':readAt': readAt,
          },
        }),
      );
    },
    async snoozedUntil(fileSystemId) {
      const item = await get(`${SNOOZE}${fileSystemId}`);
      return typeof item?.snoozedUntil === 'string'
        ? item.snoozedUntil
        : undefined;
    },
    async snooze({ fileSystemId, until, by, at }) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { fileSystemId: `${SNOOZE}${fileSystemId}` },
          UpdateExpression:
            'SET snoozedUntil = :until, snoozedBy = :by, snoozedAt = :at',
          ExpressionAttributeValues: { ':until': until, ':by': by, ':at': at },
        }),
      );
    },
  };
}
