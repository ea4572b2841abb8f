/**
 * Displayed prices and currencies: every portal's "MN 4,500,000", "Desde $ 6,499,999 MXN" or
 * "Consultar precios" becomes the same price, currency and on-request flag of the record.
 */
import type { Currency } from './listing-record';
import { parseNumber } from './numbers';

export interface ParsedPrice {
  price: number | null;
  currency: Currency | null;
  priceOnRequest: boolean;
}

const ON_REQUEST = /consultar|a consultar|ocultar|precio oculto|price on request/i;

/**
 * A displayed price: "MN 4,500,000", "$ 6,500,000 MXN", "USD 231,960", "U$D 120,000", "US$ 99,000",
 * "Desde $ 6,499,999 MXN" (→ the "desde" amount), "Consultar precios" (→ on request).
 * A bare "$" on these Mexican portals means pesos.
 */
export function parsePriceText(input: string | null | undefined): ParsedPrice {
  const text = (input ?? '').replace(/\s+/g, ' ').trim();
  if (text === '') return { price: null, currency: null, priceOnRequest: false };
  if (ON_REQUEST.test(text)) return { price: null, currency: null, priceOnRequest: true };
  const price = parseNumber(text);
  if (price == null) return { price: null, currency: null, priceOnRequest: false };
  return { price, currency: parseCurrency(text), priceOnRequest: false };
}

/** Currency markers: MN, MXN, $ → MXN; USD, U$D, US$, U$S → USD. */
export function parseCurrency(input: string | null | undefined): Currency | null {
  if (!input) return null;
  const text = input.toUpperCase();
  if (/\bUSD\b|U\$D|US\$|U\$S|\bDLS\b|DÓLARES|DOLARES/.test(text)) return 'USD';
  if (/\bMXN\b|\bMN\b|\bMXP\b|PESOS|\$/.test(text)) return 'MXN';
  return null;
}
