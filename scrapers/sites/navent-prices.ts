/**
 * Navent's prices per operation (docs/portals.md §1.2, §1.3): a posting can be offered for sale
 * and for rent at once, each operation with its own price objects, in the results page's
 * `priceOperationTypes[]` and the detail page's `pricesData[]`.
 */
import type { Operation } from '../../lib/record/listing-record';
import { parseCurrency, type ParsedPrice } from '../../lib/record/price';
import { mapOperation } from '../../lib/record/vocabulary';
import { listOf } from '../embedded';
import { jsonString, positiveNumber } from '../field-readers';
import { getPath } from '../page';

/** One of a posting's operations with its price. */
export interface PriceOption {
  operation: Operation | null;
  price: ParsedPrice;
}

const NO_PRICE: ParsedPrice = { price: null, currency: null, priceOnRequest: false };

/** A Navent price object: `{ amount, currency: "MN" | "USD", isoCode?: "MXN" | "USD" }`. */
export function naventPrice(value: unknown): ParsedPrice {
  const amount = positiveNumber(getPath(value, 'amount'));
  if (amount == null) return NO_PRICE;
  const currency = parseCurrency(jsonString(getPath(value, 'isoCode')) ?? jsonString(getPath(value, 'currency')));
  return { price: amount, currency, priceOnRequest: false };
}

/** `priceOperationTypes[]` (results state) or `pricesData[]` (avisoInfo): `{ operationType: { name }, prices: [{ amount, currency }] }`. */
export function priceOptions(list: unknown): PriceOption[] {
  return listOf(list).map((entry) => ({
    operation: mapOperation(jsonString(getPath(entry, 'operationType.name'))),
    price: naventPrice(getPath(entry, 'prices.0')),
  }));
}

/**
 * Which of a posting's prices the record keeps: the operation the search asked for, else the one
 * whose price the card shows (a flat for rent and for sale shows its sale price on the real 2024
 * page), else the first.
 */
export function choosePrice(
  options: PriceOption[],
  shown: ParsedPrice,
  searched: Operation | null,
): PriceOption | undefined {
  return (
    options.find((option) => searched != null && option.operation === searched) ??
    options.find((option) => shown.price != null && option.price.price === shown.price) ??
    options[0]
  );
}
