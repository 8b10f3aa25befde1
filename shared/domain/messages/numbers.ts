/**
 * Numbers as every message writes them: thousands separators and units,
 * the same way everywhere (`$4,081/month`, `7,099 records`, `1,253.4 GB`).
 */

/**
 * `value` as `Intl.NumberFormat('en-US')` writes it with exactly `decimals`
 * fraction digits: rounded half away from zero from its shortest decimal
 * form (the digits `String(value)` gives), the whole part grouped by
 * thousands with commas, `-` before a negative value or negative zero.
 *
 * Written out rather than asked of Intl: the first `Intl.NumberFormat` a
 * process builds loads ICU's number data, about 9 ms, which every
 * function that writes a message would pay at init. What is not plain
 * decimal notation (NaN, infinities, exponent forms above 1e21 or below
 * 1e-6) is still Intl's, built on that first use.
 */
function fixed(value: number, decimals: 0 | 1 | 2): string {
  const text = String(Math.abs(value));
  const plain = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!plain) return intlFormat(value, decimals);
  const whole = plain[1] ?? '0';
  const fraction = plain[2] ?? '';
  let digits = whole + fraction.slice(0, decimals).padEnd(decimals, '0');
  if ((fraction[decimals] ?? '0') >= '5') digits = plusOne(digits);
  const integer = digits.slice(0, digits.length - decimals);
  const grouped = integer.replace(/\B(?=(\d{3})+$)/g, ',');
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  return decimals === 0
    ? `${sign}${grouped}`
    : `${sign}${grouped}.${digits.slice(digits.length - decimals)}`;
}

/** A string of decimal digits plus one: `0999` -> `1000`, `99` -> `100`. */
function plusOne(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return `1${'0'.repeat(digits.length)}`;
  return `${digits.slice(0, i)}${Number(digits[i]) + 1}${'0'.repeat(digits.length - i - 1)}`;
}

const intlFormats = new Map<number, Intl.NumberFormat>();

function intlFormat(value: number, decimals: 0 | 1 | 2): string {
  let format = intlFormats.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    intlFormats.set(decimals, format);
  }
  return format.format(value);
}

/** A count or amount with thousands separators: `7,099`; `1,253.4` with one decimal. */
export function formatCount(value: number, decimals: 0 | 1 = 0): string {
  return fixed(value, decimals);
}

/**
 * US dollars: whole dollars from $100 up (`$4,081`), cents below
 * (`$13.16`); `unknown` when there is no figure.
 */
export function formatUsd(value: number | null): string {
  if (value === null) return 'unknown';
  return value >= 100 ? `$${fixed(value, 0)}` : `$${fixed(value, 2)}`;
}
