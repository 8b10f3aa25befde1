/**
 * AdvisorStore over the incident table (partition key `fileSystemId`),
 * under keys no file system id can take (ids are `fs-…`):
 * - `advisor-prices#<region>`: the EFS prices read from the Price List API
 *   (`table`, a map) and when (`readAt`, ISO 8601);
 * - `advisor-snooze#<fileSystemId>`: `snoozedUntil`, `snoozedBy` (a Slack
 *   user id) and `snoozedAt`;
 * - `advisor-apply#<fileSystemId>`: the queued Apply (`mode`,
 *   `provisionedMibps`, `by`, `at`), removed by the advisor once its run is
 *   started, only while it is the same request (a condition on `at`).
 * GetItem and an unconditional UpdateItem, the two calls the incident
 * table grants (infra/iam.ts INCIDENT_TABLE_ACTIONS): a later write wins,
 * which is what both mean.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AdviceApplyRequest, AdvisorStore } from '../domain/ports.ts';
import type { PriceTable } from '../domain/pricing.ts';

const PRICES = 'advisor-prices#';
const SNOOZE = 'advisor-snooze#';
const APPLY = 'advisor-apply#';

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
    async requestApply({ fileSystemId, mode, provisionedMibps, by, at }) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { fileSystemId: `${APPLY}${fileSystemId}` },
          UpdateExpression:
            provisionedMibps === undefined
              ? 'SET #mode = :mode, #by = :by, #at = :at REMOVE provisionedMibps'
              : 'SET #mode = :mode, #by = :by, #at = :at, provisionedMibps = :mibps',
          ExpressionAttributeNames: {
            '#mode': 'mode',
            '#by': 'by',
            '#at': 'at',
          },
          ExpressionAttributeValues: {
            ':mode': mode,
            ':by': by,
            ':at': at,
            ...(provisionedMibps === undefined
              ? {}
              : { ':mibps': provisionedMibps }),
          },
        }),
      );
    },
    async pendingApply(fileSystemId) {
      const item = await get(`${APPLY}${fileSystemId}`);
      const mode = item?.mode;
      if (
        (mode !== 'bursting' && mode !== 'provisioned' && mode !== 'elastic') ||
        typeof item?.by !== 'string' ||
        typeof item.at !== 'string'
      ) {
        return undefined;
      }
      const request: AdviceApplyRequest = { mode, by: item.by, at: item.at };
      if (typeof item.provisionedMibps === 'number') {
        request.provisionedMibps = item.provisionedMibps;
      }
      return request;
    },
    async clearApply({ fileSystemId, at }) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { fileSystemId: `${APPLY}${fileSystemId}` },
            UpdateExpression: 'REMOVE #mode, #by, #at, provisionedMibps',
            ConditionExpression: '#at = :at',
            ExpressionAttributeNames: {
              '#mode': 'mode',
              '#by': 'by',
              '#at': 'at',
            },
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        // A newer press replaced it: that one stays queued.
        if (
          (error as { name?: string })?.name !==
          'ConditionalCheckFailedException'
        ) {
          throw error;
        }
      }
    },
  };
}
