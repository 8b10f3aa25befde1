/**
 * How the price table is described in a message: read from the EFS pricing
 * page (aws.amazon.com/efs/pricing) for us-east-1, an estimate elsewhere
 * until someone sets the region's figures in the configuration.
 */
import { describe, expect, it } from 'vitest';
import { describeTable, priceTable } from '../../shared/domain/pricing.ts';

describe('describeTable', () => {
  it('dates the prices read from the pricing page', () => {
    expect(describeTable(priceTable('us-east-1'))).toBe(
      'us-east-1 prices of 2026-11-01 (aws.amazon.com/efs/pricing)',
    );
  });

  it.each(['eu-west-1', 'ap-northeast-1', 'us-west-2', 'sa-east-1'])(
    'calls the %s figures an estimate',
    (region) => {
      const text = describeTable(priceTable(region));
      expect(text).toMatch(new RegExp(`^${region} prices estimated on `));
      expect(text).toMatch(/not read from the pricing page/);
      expect(text).toMatch(/set `prices` in the configuration/);
    },
  );

  it('takes all four figures from the configuration as read', () => {
    const table = priceTable('eu-west-1', {
      asOf: '2026-11-20',
      source: 'our EDP price sheet',
      standardStorageUsdPerGbMonth: 0.33,
      elasticReadUsdPerGb: 0.033,
      elasticWriteUsdPerGb: 0.066,
      provisionedUsdPerMibpsMonth: 6.6,
    });
    expect(describeTable(table)).toBe(
      'eu-west-1 prices of 2026-11-20 (our EDP price sheet, with overrides)',
    );
  });

  it('keeps the estimate label when only some figures are set', () => {
    const table = priceTable('eu-west-1', { elasticReadUsdPerGb: 0.03 });
    expect(describeTable(table)).toMatch(/prices estimated on/);
  });
});
