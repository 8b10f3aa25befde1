/**
 * Numbers as every message writes them: thousands separators and units,
 * the same way everywhere (`$4,081/month`, `7,099 records`, `1,253.4 GB`).
 */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const CENTS = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** A count or amount with thousands separators: `7,099`; `1,253.4` with one decimal. */
export function formatCount(value: number, decimals: 0 | 1 = 0): string {
  return (decimals === 1 ? ONE_DECIMAL : COUNT).format(value);
}

/**
 * US dollars: whole dollars from $100 up (`$4,081`), cents below
 * (`$13.16`); `unknown` when there is no figure.
 */
export function formatUsd(value: number | null): string {
  if (value === null) return 'unknown';
  return value >= 100 ? `$${COUNT.format(value)}` : `$${CENTS.format(value)}`;
}
