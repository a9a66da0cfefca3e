/**
 * Strict parsing of numeric text fields, shared by the line-based readers. Unlike `Number()`
 * and `parseInt()`, these accept only the whole field as a number: `'99x'`, `''`, `' 1'`,
 * `'0x10'` and `'1e3'` (for integers) are rejected, so a reader can report the bad field.
 */

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The integer written in `text` (optional sign, decimal digits only), or undefined. */
export function parseInteger(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The finite decimal number written in `text` (e.g. `-1`, `2.5`, `.5`, `1e-5`), or undefined. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** `text` quoted for an error message, shortened to 40 characters. */
export function quote(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 37)}...` : text}'`;
}
