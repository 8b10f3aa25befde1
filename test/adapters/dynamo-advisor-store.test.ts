/**
 * The advisor's items in the incident table, on dynalite with the real
 * DynamoDB document client: cached prices and snoozes round-trip, stay out
 * of the file systems' own items, and a later write wins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAdvisorStore } from '../../shared/adapters/dynamo-advisor-store.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import { priceTable } from '../../shared/domain/pricing.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';

const TABLE = 'incidents';
const FS = 'fs-0123456789abcdef0';
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE, 'fileSystemId');
});
afterAll(async () => {
  await dynamo?.close();
});

function store() {
  return createDynamoAdvisorStore({
    client: dynamo.documentClient,
    tableName: TABLE,
  });
}

describe('the advisor store', () => {
  it('keeps dated prices per region', async () => {
    const { fallback: _f, ...table } = priceTable('eu-west-1');
    expect(await store().cachedPrices('eu-west-1')).toBeUndefined();
    await store().cachePrices({ table, readAt: '2026-11-26T08:00:00.000Z' });
    expect(await store().cachedPrices('eu-west-1')).toEqual({
      table,
      readAt: '2026-11-26T08:00:00.000Z',
    });
    expect(await store().cachedPrices('us-east-1')).toBeUndefined();
  });

  it('keeps a snooze per file system, the later one winning, apart from its incident', async () => {
    expect(await store().snoozedUntil(FS)).toBeUndefined();
    await store().snooze({
      fileSystemId: FS,
      until: '2026-12-24T08:00:00.000Z',
      by: 'U0APPROVER',
      at: '2026-11-26T08:00:00.000Z',
    });
    await store().snooze({
      fileSystemId: FS,
      until: '2027-01-21T08:00:00.000Z',
      by: 'U0APPROVER',
      at: '2026-11-26T09:00:00.000Z',
    });
    expect(await store().snoozedUntil(FS)).toBe('2027-01-21T08:00:00.000Z');
    // The file system's own item (its incident) is untouched.
    const incidents = createDynamoIncidentStore({
      client: dynamo.documentClient,
      tableName: TABLE,
    });
    expect(await incidents.current(FS)).toBeUndefined();
  });
});
