/**
 * EFS prices from the AWS Price List API: `GetProducts` with ServiceCode
 * `AmazonEFS`, filtered (TERM_MATCH) on the Region's `location` name. Its
 * answer holds `PriceList`, an array of JSON *strings*, one product each:
 * `{product: {productFamily, attributes: {usagetype, location, ...}, sku},
 * terms: {OnDemand: {<offer>: {priceDimensions: {<rate>: {unit,
 * pricePerUnit: {USD}}}}}}, publicationDate}` (AWS Price List Service API
 * reference, GetProducts; boto3 `Pricing.Client.get_products`; the AWS CLI
 * reference `aws pricing get-products`, whose example output has this
 * shape). Pure: the adapter pages the calls, this reads the products.
 *
 * Which product is which (usage types as the EFS bill names them):
 * - Standard storage: usagetype ending `TimedStorage-ByteHrs` (not IA,
 *   Archive or One Zone), unit GB-Mo;
 * - Provisioned: product family `Provisioned Throughput`, usagetype ending
 *   `ProvisionedTP-MiBpsHrs`, unit MiBps-Mo; the throughput included with
 *   storage is listed in the same family at $0.00, so the non-zero rate;
 * - Elastic: usagetype containing `ElasticThroughput` and `Read` or
 *   `Write` (per GB).
 * A figure the answer does not hold keeps the built-in table's, and the
 * result says which.
 */
import { type PriceTable, priceTable } from '../pricing.ts';

/** The Price List API's `location` for a Region code. */
export const PRICE_LIST_LOCATIONS: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'ca-central-1': 'Canada (Central)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-west-3': 'EU (Paris)',
  'eu-central-1': 'EU (Frankfurt)',
  'eu-north-1': 'EU (Stockholm)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'sa-east-1': 'South America (Sao Paulo)',
};

/** The GetProducts filters for a Region's EFS products. */
export function efsProductFilters(
  region: string,
): { Type: 'TERM_MATCH'; Field: string; Value: string }[] {
  const location = PRICE_LIST_LOCATIONS[region];
  return location
    ? [{ Type: 'TERM_MATCH', Field: 'location', Value: location }]
    : [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }];
}

type Product = {
  product?: {
    productFamily?: string;
    attributes?: Record<string, string>;
  };
  terms?: {
    OnDemand?: Record<
      string,
      {
        effectiveDate?: string;
        priceDimensions?: Record<
          string,
          { unit?: string; pricePerUnit?: Record<string, string> }
        >;
      }
    >;
  };
  publicationDate?: string;
};

/** The USD rates of a product's on-demand terms. */
function rates(p: Product): { unit: string; usd: number }[] {
  const out: { unit: string; usd: number }[] = [];
  for (const offer of Object.values(p.terms?.OnDemand ?? {})) {
    for (const dim of Object.values(offer.priceDimensions ?? {})) {
      const usd = Number(dim.pricePerUnit?.USD);
      if (Number.isFinite(usd)) out.push({ unit: dim.unit ?? '', usd });
    }
  }
  return out;
}

function firstPositive(list: { usd: number }[]): number | undefined {
  return list.find((r) => r.usd > 0)?.usd;
}

export type PriceListReading = {
  table: PriceTable;
  /** Figures the answer did not hold, kept from the built-in table. */
  missing: string[];
  /** The newest `publicationDate` or effective date seen. */
  publishedAt?: string;
};

/** Reads the EFS prices of a Region from GetProducts' PriceList strings. */
export function readEfsPriceList(
  region: string,
  priceList: readonly string[],
  readAt: string,
): PriceListReading {
  const found: Partial<
    Pick<
      PriceTable,
      | 'standardStorageUsdPerGbMonth'
      | 'elasticReadUsdPerGb'
      | 'elasticWriteUsdPerGb'
      | 'provisionedUsdPerMibpsMonth'
    >
  > = {};
  let published: string | undefined;
  for (const text of priceList) {
    let p: Product;
    try {
      p = JSON.parse(text) as Product;
    } catch {
      continue;
    }
    const usage = p.product?.attributes?.usagetype ?? '';
    const family = p.product?.productFamily ?? '';
    const r = rates(p);
    const date = p.publicationDate;
    if (date && (!published || date > published)) published = date;
    if (
      /(^|-)TimedStorage-ByteHrs$/.test(usage) &&
      found.standardStorageUsdPerGbMonth === undefined
    ) {
      const usd = firstPositive(r);
      if (usd !== undefined) found.standardStorageUsdPerGbMonth = usd;
    } else if (
      family === 'Provisioned Throughput' &&
      /ProvisionedTP-MiBpsHrs$/.test(usage)
    ) {
      const usd = firstPositive(r);
      if (usd !== undefined) found.provisionedUsdPerMibpsMonth = usd;
    } else if (/ElasticThroughput/i.test(usage)) {
      const usd = firstPositive(r);
      if (usd === undefined) continue;
      if (/Read/i.test(usage)) found.elasticReadUsdPerGb = usd;
      else if (/Write/i.test(usage)) found.elasticWriteUsdPerGb = usd;
    }
  }
  const builtIn = priceTable(region);
  const keys = [
    'standardStorageUsdPerGbMonth',
    'elasticReadUsdPerGb',
    'elasticWriteUsdPerGb',
    'provisionedUsdPerMibpsMonth',
  ] as const;
  const missing = keys.filter((k) => found[k] === undefined);
  const { fallback: _fallback, estimate: _estimate, ...base } = builtIn;
  const table: PriceTable = {
    ...base,
    ...found,
    region,
    asOf: readAt.slice(0, 10),
    source: `AWS Price List API (GetProducts AmazonEFS, ${PRICE_LIST_LOCATIONS[region] ?? region}${published ? `, published ${published.slice(0, 10)}` : ''})${missing.length ? `; ${missing.join(', ')} from the built-in table` : ''}`,
    verified: missing.length === 0,
    ...(missing.length && builtIn.estimate
      ? { estimate: builtIn.estimate }
      : {}),
  };
  return { table, missing, ...(published ? { publishedAt: published } : {}) };
}
