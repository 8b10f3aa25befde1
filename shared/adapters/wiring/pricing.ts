/** The Price List port of a deployed function (see wiring/cloudwatch.ts). */
import type { PriceListPort } from '../../domain/ports.ts';
import { sdkPriceListPort } from '../aws-pricing.ts';

/** GetProducts, with burstguard's deadlines. */
export function priceListPort(): PriceListPort {
  return sdkPriceListPort();
}
