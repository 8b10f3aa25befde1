/**
 * EFS prices per region, one dated table each, used to say what a fix
 * costs. Every cost burstguard shows names the table and date it came from.
 * Override them in the configuration or with `PriceOverrides` when AWS
 * changes its prices or your account has a discount.
 *
 * Source: the Amazon EFS pricing page (aws.amazon.com/efs/pricing) as of
 * the date below, for EFS Standard storage, Elastic Throughput reads and
 * writes, and Provisioned Throughput. The Elastic figures for us-east-1 are
 * $0.03 per GB read and $0.06 per GB written (the pricing page's Elastic
 * Throughput rows); the other
 * regions follow AWS's usual regional ratios and are marked estimates until
 * checked against the AWS Price List API.
 */

export type PriceTable = {
  region: string;
  /** When these prices were read. */
  asOf: string;
  /** Where they come from. */
  source: string;
  /**
   * False for regions whose figures are derived from us-east-1's rather
   * than read from the pricing page; the message says so.
   */
  verified: boolean;
  /**
   * How a row not read from the pricing page was made, e.g.
   * `us-east-1 × 1.1`; absent on rows read from it.
   */
  estimate?: string;
  standardStorageUsdPerGbMonth: number;
  elasticReadUsdPerGb: number;
  elasticWriteUsdPerGb: number;
  provisionedUsdPerMibpsMonth: number;
};

export type PriceOverrides = Partial<
  Omit<PriceTable, 'region' | 'verified' | 'estimate'>
>;

const PAGE = 'aws.amazon.com/efs/pricing';

export const PRICE_TABLES: Record<string, PriceTable> = {
  'us-east-1': {
    region: 'us-east-1',
    asOf: '2026-11-01',
    source: `${PAGE}`,
    verified: true,
    standardStorageUsdPerGbMonth: 0.3,
    elasticReadUsdPerGb: 0.03,
    elasticWriteUsdPerGb: 0.06,
    provisionedUsdPerMibpsMonth: 6.0,
  },
  'us-west-2': {
    region: 'us-west-2',
    asOf: '2026-11-01',
    source: `${PAGE} (same as us-east-1)`,
    verified: false,
    estimate: 'copy of us-east-1',
    standardStorageUsdPerGbMonth: 0.3,
    elasticReadUsdPerGb: 0.03,
    elasticWriteUsdPerGb: 0.06,
    provisionedUsdPerMibpsMonth: 6.0,
  },
  'eu-west-1': {
    region: 'eu-west-1',
    asOf: '2026-11-01',
    source: `${PAGE} (estimate: us-east-1 × 1.1)`,
    verified: false,
    estimate: 'us-east-1 × 1.1',
    standardStorageUsdPerGbMonth: 0.33,
    elasticReadUsdPerGb: 0.033,
    elasticWriteUsdPerGb: 0.066,
    provisionedUsdPerMibpsMonth: 6.6,
  },
  'ap-northeast-1': {
    region: 'ap-northeast-1',
    asOf: '2026-11-01',
    source: `${PAGE} (estimate: us-east-1 × 1.2)`,
    verified: false,
    estimate: 'us-east-1 × 1.2',
    standardStorageUsdPerGbMonth: 0.36,
    elasticReadUsdPerGb: 0.036,
    elasticWriteUsdPerGb: 0.072,
    provisionedUsdPerMibpsMonth: 7.2,
  },
};

/** The table for a region, with overrides; us-east-1's when unknown. */
export function priceTable(
  region: string,
  overrides: PriceOverrides = {},
): PriceTable & { fallback: boolean } {
  const known = PRICE_TABLES[region];
  const base = known ?? {
    ...(PRICE_TABLES['us-east-1'] as PriceTable),
    region,
    source: `${PAGE} (us-east-1 prices: no table for ${region})`,
    verified: false,
    estimate: `us-east-1 prices: no table for ${region}`,
  };
  const overridden = Object.keys(overrides).length > 0;
  // All four figures given: the table is the user's own, read by them.
  const complete =
    overrides.standardStorageUsdPerGbMonth !== undefined &&
    overrides.elasticReadUsdPerGb !== undefined &&
    overrides.elasticWriteUsdPerGb !== undefined &&
    overrides.provisionedUsdPerMibpsMonth !== undefined;
  const { estimate: _estimate, ...measured } = base;
  return {
    ...(complete ? measured : base),
    ...overrides,
    ...(complete ? { verified: true } : {}),
    ...(overridden
      ? { source: `${overrides.source ?? base.source}, with overrides` }
      : {}),
    fallback: !known,
  };
}

/**
 * "us-east-1 prices of 2026-11-01 (aws.amazon.com/efs/pricing)", or, for a
 * table not read from the pricing page, that it is an estimate.
 */
export function describeTable(table: PriceTable): string {
  if (!table.verified) {
    return `${table.region} prices estimated on ${table.asOf}, not read from the pricing page (${table.source}): set \`prices\` in the configuration for exact figures`;
  }
  return `${table.region} prices of ${table.asOf} (${table.source})`;
}
