/**
 * PriceListPort over the AWS SDK v3 Price List client
 * (`@aws-sdk/client-pricing`, GetProducts). The Price List API answers
 * from a few Regions only (us-east-1, eu-central-1, ap-south-1: AWS Price
 * List Service API reference, endpoints), so the client is made for
 * us-east-1 whatever Region the file system is in; the Region it prices is
 * the filter's `location`.
 *
 * The package is loaded when first asked for: where it is not installed
 * the port throws, and the advice uses the built-in dated table and says
 * so.
 */
import type { PriceListPort } from '../domain/ports.ts';
import { type AwsCallLimits, awsClientOptions } from './aws-clients.ts';

/** The Price List API's own Region for the client. */
export const PRICE_LIST_API_REGION = 'us-east-1';

/** The SDK's client package, named here so bundlers leave it alone. */
const PRICING_PACKAGE = '@aws-sdk/client-pricing';

type PricingModule = {
  PricingClient: new (
    options: Record<string, unknown>,
  ) => {
    send(command: unknown): Promise<{
      PriceList?: string[];
      NextToken?: string;
      FormatVersion?: string;
    }>;
  };
  GetProductsCommand: new (input: Record<string, unknown>) => unknown;
};

/** A port over the client of the module `load` gives (the SDK, or a test double). */
export function createPriceListPort(
  load: () => Promise<PricingModule>,
  limits: Partial<AwsCallLimits> = {},
): PriceListPort {
  let client: InstanceType<PricingModule['PricingClient']> | undefined;
  let mod: PricingModule | undefined;
  return {
    async getProducts(request) {
      mod ??= await load();
      client ??= new mod.PricingClient(
        awsClientOptions(PRICE_LIST_API_REGION, limits),
      );
      return client.send(new mod.GetProductsCommand({ ...request }));
    },
  };
}

/** The port over the installed `@aws-sdk/client-pricing`. */
export function sdkPriceListPort(
  limits: Partial<AwsCallLimits> = {},
): PriceListPort {
  return createPriceListPort(async () => {
    try {
      return (await import(PRICING_PACKAGE)) as PricingModule;
    } catch {
      throw new Error(`${PRICING_PACKAGE} is not installed`);
    }
  }, limits);
}
