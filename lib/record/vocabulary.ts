/**
 * The record's vocabulary: each portal's words for an operation or a property type ("renta",
 * "for-sale", "casa en condominio") mapped onto the record's Operation and PropertyType values.
 */
import type { Operation, PropertyType } from './listing-record';

/** venta / for-sale / sell → sale; renta / for-rent / rent → rent. */
export function mapOperation(input: string | null | undefined): Operation | null {
  if (!input) return null;
  const text = input.toLowerCase();
  if (/\b(venta|for-sale|for sale|sale|sell|vender|compra)\b/.test(text)) return 'sale';
  if (/\b(renta|for-rent|for rent|rent|alquiler|arriendo)\b/.test(text)) return 'rent';
  return null;
}

const PROPERTY_TYPES: Array<[RegExp, PropertyType]> = [
  [/departamento|apartment|\bapartamento|\bdepto|\bpenthouse|\bloft|\batico|\bático|\bsuite\b/i, 'apartment'],
  [/\bcasa|\bhouse|singlefamilyresidence|residencia|\bvilla|\bbungalow|\bduplex|\bdúplex/i, 'house'],
  [/terreno|\blote\b|\bland\b|\bplot\b|\brancho/i, 'land'],
  [/oficina|consultorio|\boffice|doctor-office|medico/i, 'office'],
  [/\blocal(es)?\b|\bcomercial\b|commercial|venta-al-por-menor|\bretail/i, 'commercial'],
  [/bodega|\bnave|warehouse|industria-almacen|almac[eé]n/i, 'warehouse'],
  [/edificio|building/i, 'building'],
];

/**
 * casa / casa en condominio → house; departamento → apartment; terreno → land; oficina/consultorio
 * → office; local → commercial; bodega/nave → warehouse; edificio → building; other text → other.
 */
export function mapPropertyType(input: string | null | undefined): PropertyType | null {
  const text = (input ?? '').trim();
  if (text === '') return null;
  for (const [pattern, type] of PROPERTY_TYPES) if (pattern.test(text)) return type;
  return 'other';
}
