/**
 * Which figures the cost options use: the region's table, us-east-1's for
 * a region without one (and said so), and the configuration's overrides.
 */
import { describe, expect, it } from 'vitest';
import { describeTable, priceTable } from '../../shared/domain/pricing.ts';

describe('priceTable', () => {
  it("falls back to us-east-1's figures for a region without a table, and names the region", () => {
    const table = priceTable('sa-east-1');

    expect(table).toMatchObject({
      region: 'sa-east-1',
      fallback: true,
      verified: false,
      standardStorageUsdPerGbMonth: 0.3,
      elasticReadUsdPerGb: 0.03,
      elasticWriteUsdPerGb: 0.06,
      provisionedUsdPerMibpsMonth: 6,
      source:
        'aws.amazon.com/efs/pricing (us-east-1 prices: no table for sa-east-1)',
    });
  });

  it('uses a known region as it is, without marking it a fallback or overridden', () => {
    expect(priceTable('us-east-1')).toEqual({
      region: 'us-east-1',
      asOf: '2026-11-01',
      source: 'aws.amazon.com/efs/pricing',
      verified: true,
      standardStorageUsdPerGbMonth: 0.3,
      elasticReadUsdPerGb: 0.03,
      elasticWriteUsdPerGb: 0.06,
      provisionedUsdPerMibpsMonth: 6,
      fallback: false,
    });
  });

  it('takes a single override, says the table has overrides, and keeps it an estimate', () => {
    const table = priceTable('eu-west-1', { elasticWriteUsdPerGb: 0.07 });

    expect(table.elasticWriteUsdPerGb).toBe(0.07);
    expect(table.elasticReadUsdPerGb).toBe(0.033);
    expect(table.verified).toBe(false);
    expect(table.source).toBe(
      'aws.amazon.com/efs/pricing (estimate: us-east-1 × 1.1), with overrides',
    );
  });

  it.each([
    'standardStorageUsdPerGbMonth',
    'elasticReadUsdPerGb',
    'elasticWriteUsdPerGb',
    'provisionedUsdPerMibpsMonth',
  ] as const)('is not the user’s own table while %s is missing', (left) => {
    const all = {
      standardStorageUsdPerGbMonth: 0.4,
      elasticReadUsdPerGb: 0.04,
      elasticWriteUsdPerGb: 0.08,
      provisionedUsdPerMibpsMonth: 8,
    };
    const { [left]: _, ...three } = all;

    expect(priceTable('eu-west-1', three).verified).toBe(false);
    expect(priceTable('eu-west-1', all).verified).toBe(true);
  });
});

describe('describeTable, an estimate', () => {
  it('says where the estimate comes from', () => {
    expect(describeTable(priceTable('eu-west-1'))).toBe(
      'eu-west-1 prices estimated on 2026-11-01, not read from the pricing page (aws.amazon.com/efs/pricing (estimate: us-east-1 × 1.1)): set `prices` in the configuration for exact figures',
    );
  });
});

describe('the built-in tables', () => {
  it.each([
    ['us-west-2', 'aws.amazon.com/efs/pricing (same as us-east-1)', 0.3],
    [
      'eu-west-1',
      'aws.amazon.com/efs/pricing (estimate: us-east-1 × 1.1)',
      0.33,
    ],
    [
      'ap-northeast-1',
      'aws.amazon.com/efs/pricing (estimate: us-east-1 × 1.2)',
      0.36,
    ],
  ])('says where the %s figures come from', (region, source, storage) => {
    expect(priceTable(region)).toMatchObject({
      source,
      verified: false,
      fallback: false,
      standardStorageUsdPerGbMonth: storage,
    });
  });
});
