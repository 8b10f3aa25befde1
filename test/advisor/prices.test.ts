/**
 * EFS prices from the AWS Price List API. The GetProducts answers here are
 * CONSTRUCTED, not captured: they follow the documented response shape
 * (AWS Price List Service API reference, GetProducts: `FormatVersion`,
 * `NextToken`, `PriceList` an array of strings each holding one product's
 * JSON; boto3 `Pricing.Client.get_products`; the example output of
 * `aws pricing get-products` in the AWS CLI reference) with EFS's usage
 * types as its bills name them (`…-TimedStorage-ByteHrs`,
 * `…-ProvisionedTP-MiBpsHrs` in product family "Provisioned Throughput",
 * listed at $0.00 for the throughput storage includes and at the price
 * for the rest) and the us-east-1 figures of the EFS pricing page.
 */
import { describe, expect, it } from 'vitest';
import { createPriceListPort } from '../../shared/adapters/aws-pricing.ts';
import {
  efsProductFilters,
  readEfsPriceList,
} from '../../shared/domain/advisor/price-list.ts';
import {
  fetchEfsPriceList,
  resolvePrices,
} from '../../shared/domain/advisor/prices.ts';
import type { PriceListPort } from '../../shared/domain/ports.ts';
import type { PriceTable } from '../../shared/domain/pricing.ts';

/** One product of a GetProducts answer, as its JSON string. */
function product(
  sku: string,
  family: string,
  usagetype: string,
  unit: string,
  usd: string,
): string {
  return JSON.stringify({
    product: {
      productFamily: family,
      attributes: {
        servicecode: 'AmazonEFS',
        location: 'US East (N. Virginia)',
        locationType: 'AWS Region',
        regionCode: 'us-east-1',
        usagetype,
        operation: '',
        servicename: 'Amazon Elastic File System',
      },
      sku,
    },
    serviceCode: 'AmazonEFS',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit,
              endRange: 'Inf',
              description: `${usagetype} in US East (N. Virginia)`,
              appliesTo: [],
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: usd },
            },
          },
          sku,
          effectiveDate: '2026-10-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20261001000000',
    publicationDate: '2026-10-01T00:00:00Z',
  });
}

const US_EAST_1 = [
  product(
    'SKU1',
    'Storage',
    'USE1-TimedStorage-ByteHrs',
    'GB-Mo',
    '0.3000000000',
  ),
  product(
    'SKU2',
    'Storage',
    'USE1-IATimedStorage-ByteHrs',
    'GB-Mo',
    '0.0160000000',
  ),
  product(
    'SKU3',
    'Provisioned Throughput',
    'USE1-ProvisionedTP-MiBpsHrs',
    'MiBps-Mo',
    '0.0000000000',
  ),
  product(
    'SKU4',
    'Provisioned Throughput',
    'USE1-ProvisionedTP-MiBpsHrs',
    'MiBps-Mo',
    '6.0000000000',
  ),
  product(
    'SKU5',
    'Throughput',
    'USE1-ElasticThroughput-Read-Bytes',
    'GB',
    '0.0300000000',
  ),
  product(
    'SKU6',
    'Throughput',
    'USE1-ElasticThroughput-Write-Bytes',
    'GB',
    '0.0600000000',
  ),
];

const clock = { now: () => new Date('2026-11-26T08:00:00Z') };

function fakePort(pages: string[][]): PriceListPort & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    async getProducts(request) {
      calls.push(request);
      const page = request.NextToken ? Number(request.NextToken) : 0;
      return {
        FormatVersion: 'aws_v1',
        PriceList: pages[page] ?? [],
        ...(page + 1 < pages.length ? { NextToken: String(page + 1) } : {}),
      };
    },
  };
}

/** A cache holding us-east-1's prices as read at `readAt`. */
async function cacheReadAt(readAt: string) {
  const store = memoryCache();
  const { table } = readEfsPriceList('us-east-1', US_EAST_1, readAt);
  await store.cachePrices({ table, readAt });
  return store;
}

function memoryCache() {
  const items = new Map<string, { table: PriceTable; readAt: string }>();
  return {
    items,
    async cachedPrices(region: string) {
      return items.get(region);
    },
    async cachePrices(input: { table: PriceTable; readAt: string }) {
      items.set(input.table.region, input);
    },
  };
}

describe('reading GetProducts', () => {
  it("reads the four EFS prices from a Region's products", () => {
    const { table, missing, publishedAt } = readEfsPriceList(
      'us-east-1',
      US_EAST_1,
      '2026-11-26T08:00:00.000Z',
    );
    expect(missing).toEqual([]);
    expect(publishedAt).toBe('2026-10-01T00:00:00Z');
    expect(table).toMatchObject({
      region: 'us-east-1',
      asOf: '2026-11-26',
      verified: true,
      standardStorageUsdPerGbMonth: 0.3,
      elasticReadUsdPerGb: 0.03,
      elasticWriteUsdPerGb: 0.06,
      // The $0.00 row is the throughput storage includes, not the price.
      provisionedUsdPerMibpsMonth: 6,
    });
    expect(table.source).toMatch(
      /^AWS Price List API \(GetProducts AmazonEFS, US East \(N\. Virginia\), published 2026-10-01\)$/,
    );
    expect(table.estimate).toBeUndefined();
  });

  it('keeps a figure the answer lacks from the built-in table, and says which', () => {
    const { table, missing } = readEfsPriceList(
      'eu-west-1',
      US_EAST_1.slice(0, 4).concat('not json'),
      '2026-11-26T08:00:00.000Z',
    );
    expect(missing).toEqual(['elasticReadUsdPerGb', 'elasticWriteUsdPerGb']);
    expect(table.verified).toBe(false);
    // eu-west-1's built-in Elastic figures are us-east-1's × 1.1.
    expect(table.elasticReadUsdPerGb).toBe(0.033);
    expect(table.estimate).toBe('us-east-1 × 1.1');
    expect(table.source).toMatch(
      /elasticReadUsdPerGb, elasticWriteUsdPerGb from the built-in table$/,
    );
  });

  it("filters on the Region's location name", () => {
    expect(efsProductFilters('eu-west-1')).toEqual([
      { Type: 'TERM_MATCH', Field: 'location', Value: 'EU (Ireland)' },
    ]);
    expect(efsProductFilters('xx-test-9')).toEqual([
      { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'xx-test-9' },
    ]);
  });

  it('follows NextToken through every page', async () => {
    const port = fakePort([US_EAST_1.slice(0, 3), US_EAST_1.slice(3)]);
    expect(await fetchEfsPriceList(port, 'us-east-1')).toEqual(US_EAST_1);
    const first = {
      ServiceCode: 'AmazonEFS',
      Filters: [
        {
          Type: 'TERM_MATCH',
          Field: 'location',
          Value: 'US East (N. Virginia)',
        },
      ],
      FormatVersion: 'aws_v1',
      MaxResults: 100,
    };
    expect(port.calls).toEqual([first, { ...first, NextToken: '1' }]);
  });
});

describe('which prices the advice uses', () => {
  it('reads the Price List API and caches what it read, dated', async () => {
    const store = memoryCache();
    const prices = await resolvePrices({
      region: 'us-east-1',
      clock,
      priceList: fakePort([US_EAST_1]),
      store,
    });
    expect(prices.origin).toBe('price-list');
    expect(prices.note).toBeUndefined();
    expect(store.items.get('us-east-1')?.readAt).toBe(
      '2026-11-26T08:00:00.000Z',
    );
  });

  it('uses a cache younger than a week without asking the API', async () => {
    const store = await cacheReadAt('2026-11-22T00:00:00.000Z');
    const port = fakePort([US_EAST_1]);
    const prices = await resolvePrices({
      region: 'us-east-1',
      clock,
      priceList: port,
      store,
    });
    expect(prices.origin).toBe('price-list-cache');
    expect(port.calls).toEqual([]);
  });

  it('falls back to the built-in table offline, and says so and that it is an estimate', async () => {
    const failing: PriceListPort = {
      async getProducts() {
        throw new Error(
          'getaddrinfo ENOTFOUND api.pricing.us-east-1.amazonaws.com',
        );
      },
    };
    const prices = await resolvePrices({
      region: 'ap-northeast-1',
      clock,
      priceList: failing,
      store: memoryCache(),
    });
    expect(prices.origin).toBe('built-in');
    expect(prices.table.provisionedUsdPerMibpsMonth).toBe(7.2);
    expect(prices.note).toBe(
      'Price List API unavailable: getaddrinfo ENOTFOUND api.pricing.us-east-1.amazonaws.com; using the built-in table of 2026-11-01 (an estimate: us-east-1 × 1.2)',
    );
  });

  it('prefers a stale cache to the built-in table when the API fails', async () => {
    const store = await cacheReadAt('2026-10-01T00:00:00.000Z');
    const prices = await resolvePrices({
      region: 'us-east-1',
      clock,
      priceList: fakePort([]),
      store,
    });
    expect(prices.origin).toBe('price-list-cache');
    expect(prices.note).toMatch(
      /no AmazonEFS products for us-east-1; using the Price List prices cached 2026-10-01$/,
    );
  });
});

describe('the Price List adapter', () => {
  it("sends GetProducts through the SDK client, made for the API's us-east-1", async () => {
    const made: Record<string, unknown>[] = [];
    const sent: unknown[] = [];
    class GetProductsCommand {
      constructor(readonly input: Record<string, unknown>) {}
    }
    class PricingClient {
      constructor(options: Record<string, unknown>) {
        made.push(options);
      }
      async send(command: GetProductsCommand) {
        sent.push(command.input);
        return { PriceList: US_EAST_1, FormatVersion: 'aws_v1' };
      }
    }
    const port = createPriceListPort(async () => ({
      PricingClient,
      GetProductsCommand,
    }));
    const answer = await port.getProducts({
      ServiceCode: 'AmazonEFS',
      Filters: efsProductFilters('eu-west-1'),
    });
    expect(answer.PriceList).toHaveLength(6);
    expect(made[0]?.region).toBe('us-east-1');
    expect(sent).toEqual([
      {
        ServiceCode: 'AmazonEFS',
        Filters: [
          { Type: 'TERM_MATCH', Field: 'location', Value: 'EU (Ireland)' },
        ],
      },
    ]);
  });
});
