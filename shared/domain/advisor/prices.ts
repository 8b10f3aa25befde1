/**
 * Which prices the advice uses: the Price List API's, read at most once a
 * week per Region and cached dated in the incident table; the cache while
 * it is fresh; the built-in dated table only when neither can be had
 * (offline), and then the advice says so.
 */
import { oneLine } from '../errors.ts';
import type { AdvisorStore, Clock, PriceListPort } from '../ports.ts';
import {
  type PriceOverrides,
  type PriceTable,
  priceTable,
} from '../pricing.ts';
import type { PriceProvenance } from './advise.ts';
import { efsProductFilters, readEfsPriceList } from './price-list.ts';

/** Price List pages read at most: EFS has a few dozen products a Region. */
const MAX_PAGES = 20;

/** Cached prices younger than this are used without asking the API. */
export const PRICE_CACHE_DAYS = 7;

function withOverrides(
  table: PriceTable,
  overrides: PriceOverrides | undefined,
): PriceTable {
  if (!overrides || Object.keys(overrides).length === 0) return table;
  return {
    ...table,
    ...overrides,
    source: `${overrides.source ?? table.source}, with overrides`,
  };
}

/** Every EFS product of a Region, all pages. */
export async function fetchEfsPriceList(
  port: PriceListPort,
  region: string,
): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await port.getProducts({
      ServiceCode: 'AmazonEFS',
      Filters: efsProductFilters(region),
      FormatVersion: 'aws_v1',
      MaxResults: 100,
      ...(token ? { NextToken: token } : {}),
    });
    out.push(...(answer.PriceList ?? []));
    token = answer.NextToken;
    if (!token) break;
  }
  return out;
}

/** The prices for a Region and where they came from. */
export async function resolvePrices(input: {
  region: string;
  clock: Clock;
  priceList?: PriceListPort;
  store?: Pick<AdvisorStore, 'cachedPrices' | 'cachePrices'>;
  overrides?: PriceOverrides;
}): Promise<PriceProvenance> {
  const { region, clock, overrides } = input;
  const now = clock.now();
  let cached: { table: PriceTable; readAt: string } | undefined;
  let problem: string | undefined;
  try {
    cached = await input.store?.cachedPrices(region);
  } catch (error) {
    problem = `price cache unreadable: ${oneLine(error)}`;
  }
  const fresh =
    cached &&
    now.getTime() - Date.parse(cached.readAt) < PRICE_CACHE_DAYS * 86_400_000;
  if (cached && fresh) {
    return {
      table: withOverrides(cached.table, overrides),
      origin: 'price-list-cache',
      note: `Price List API prices read ${cached.readAt.slice(0, 10)}, cached`,
    };
  }
  if (input.priceList) {
    try {
      const list = await fetchEfsPriceList(input.priceList, region);
      if (list.length === 0)
        throw new Error(`no AmazonEFS products for ${region}`);
      const reading = readEfsPriceList(region, list, now.toISOString());
      try {
        await input.store?.cachePrices({
          table: reading.table,
          readAt: now.toISOString(),
        });
      } catch {
        // A cache that cannot be written costs one more API read next time.
      }
      return {
        table: withOverrides(reading.table, overrides),
        origin: 'price-list',
        ...(reading.missing.length
          ? {
              note: `the Price List answer lacked ${reading.missing.join(', ')}: those are the built-in table's`,
            }
          : {}),
      };
    } catch (error) {
      problem = `Price List API unavailable: ${oneLine(error)}`;
    }
  } else {
    problem = problem ?? 'offline: the Price List API was not asked';
  }
  if (cached) {
    return {
      table: withOverrides(cached.table, overrides),
      origin: 'price-list-cache',
      note: `${problem}; using the Price List prices cached ${cached.readAt.slice(0, 10)}`,
    };
  }
  const builtIn = priceTable(region, overrides);
  const { fallback: _fallback, ...table } = builtIn;
  return {
    table,
    origin: 'built-in',
    note: `${problem}; using the built-in table of ${table.asOf}${table.estimate ? ` (an estimate: ${table.estimate})` : ''}`,
  };
}
