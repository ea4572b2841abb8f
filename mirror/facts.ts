/**
 * The truth behind the local mirror: deterministic, site-independent facts about each property.
 * A listing is identified by (site, n); the same seed always yields the same facts, so tests and
 * the benchmark know exactly which records the mirror served without storing them.
 */
import type { Currency, Operation, PropertyType } from '../lib/record/listing-record';

export type PriceKind = 'exact' | 'from' | 'none';

export interface PropertyFacts {
  /** Index of the listing within its site's catalogue (0-based). */
  n: number;
  operation: Operation;
  propertyType: PropertyType;
  /** A development (project with units): shown as "Desde $ X" where the portal has them. */
  isDevelopment: boolean;
  priceKind: PriceKind;
  /** null when priceKind is 'none' (the portal shows "Consultar precios" or hides it). */
  price: number | null;
  currency: Currency;
  bedrooms: number | null;
  bathrooms: number | null;
  parkingSpaces: number | null;
  builtAreaM2: number | null;
  landAreaM2: number | null;
  neighborhood: string;
  city: string;
  state: string;
  address: string | null;
  lat: number;
  lng: number;
  /** Plain text; renderers escape it, and some titles carry &, quotes and accents on purpose. */
  title: string;
  /** Plain text paragraphs; renderers join them with <br> or <p> as the portal does. */
  descriptionParagraphs: string[];
  imageCount: number;
  publisher: string | null;
  /** YYYY-MM-DD */
  publishedAt: string;
}

/** FNV-1a over a string: a stable 32-bit hash for seeding. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Place {
  state: string;
  city: string;
  neighborhoods: string[];
  lat: number;
  lng: number;
}

export const PLACES: Place[] = [
  {
    state: 'Jalisco',
    city: 'Zapopan',
    neighborhoods: ['Puerta de Hierro', 'Valle Real', 'Ciudad Granja', 'Los Robles'],
    lat: 20.7214,
    lng: -103.3918,
  },
  {
    state: 'Jalisco',
    city: 'Guadalajara',
    neighborhoods: ['Providencia', 'Americana', 'Chapalita', 'Lafayette'],
    lat: 20.6597,
    lng: -103.3496,
  },
  {
    state: 'Ciudad de México',
    city: 'Benito Juárez',
    neighborhoods: ['Del Valle', 'Narvarte Poniente', 'Nápoles', 'Portales'],
    lat: 19.3806,
    lng: -99.1611,
  },
  {
    state: 'Nuevo León',
    city: 'Monterrey',
    neighborhoods: ['Cumbres', 'Obispado', 'Contry', 'Mitras Centro'],
    lat: 25.6866,
    lng: -100.3161,
  },
  {
    state: 'Yucatán',
    city: 'Mérida',
    neighborhoods: ['Montebello', 'García Ginerés', 'Temozón Norte', 'Santa Gertrudis Copó'],
    lat: 20.9674,
    lng: -89.5926,
  },
  {
    state: 'Querétaro',
    city: 'Querétaro',
    neighborhoods: ['Jurica', 'Juriquilla', 'El Refugio', 'Centro Sur'],
    lat: 20.5888,
    lng: -100.3899,
  },
  {
    state: 'Sinaloa',
    city: 'Culiacán',
    neighborhoods: ['Las Quintas', 'Tres Ríos', 'Ciudad Universitaria', 'Chapultepec'],
    lat: 24.8091,
    lng: -107.394,
  },
];

const STREETS = [
  'Av. Niños Héroes',
  'Calle Hidalgo',
  'Av. Patria',
  'Calle Morelos',
  'Blvd. Puerta de Hierro',
  'Calle 60',
  'Av. López Mateos',
];
const AGENCIES = [
  'Inmobiliaria Álvarez & Asociados',
  'Century 21 Diamante',
  'RE/MAX Élite',
  'Grupo Habitat Jalisco',
  'Coldwell Banker Cumbres',
  'Bienes Raíces del Bajío',
  'Propiedades Peña "La Casa"',
];
const TYPE_WEIGHTS: Array<[PropertyType, number]> = [
  ['house', 36],
  ['apartment', 30],
  ['land', 12],
  ['office', 6],
  ['commercial', 7],
  ['warehouse', 5],
  ['building', 4],
];
/** The noun the portals put on a card for each type (and the generated titles use). */
export const TYPE_NOUN: Record<PropertyType, string> = {
  house: 'Casa',
  apartment: 'Departamento',
  land: 'Terreno',
  office: 'Oficina',
  commercial: 'Local comercial',
  warehouse: 'Bodega',
  building: 'Edificio',
  other: 'Inmueble',
};

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}

function between(r: () => number, low: number, high: number): number {
  return low + Math.floor(r() * (high - low + 1));
}

function weighted<T>(r: () => number, items: Array<[T, number]>): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let roll = r() * total;
  for (const [item, w] of items) if ((roll -= w) < 0) return item;
  return items[items.length - 1][0];
}

function round(value: number, step: number): number {
  return Math.round(value / step) * step;
}

/** The facts of listing n of a site, as first published (epoch 0). */
export function generateFacts(seed: number, site: string, n: number): PropertyFacts {
  const r = rng(hash32(`${seed}:${site}:${n}`));
  const operation = r() < 0.7 ? 'sale' : 'rent';
  const propertyType = weighted(r, TYPE_WEIGHTS);
  const residential = propertyType === 'house' || propertyType === 'apartment';
  const isDevelopment = residential && operation === 'sale' && r() < 0.07;
  const noPrice = r() < 0.04;
  const priceKind: PriceKind = noPrice ? 'none' : isDevelopment ? 'from' : 'exact';
  const currency: Currency = r() < 0.1 ? 'USD' : 'MXN';
  const mxn = operation === 'sale' ? between(r, 800, 15000) * 1000 : between(r, 50, 800) * 100;
  const price = priceKind === 'none' ? null : currency === 'USD' ? round(mxn / 18, 10) : mxn;
  const place = pick(r, PLACES);
  const neighborhood = pick(r, place.neighborhoods);
  const bedrooms = residential && r() > 0.06 ? between(r, 1, 5) : null;
  const bathrooms = residential || propertyType === 'office' ? (r() > 0.08 ? between(r, 1, 4) : null) : null;
  const parkingSpaces = propertyType === 'land' || r() < 0.2 ? null : between(r, 1, 4);
  const builtAreaM2 = propertyType === 'land' || r() < 0.05 ? null : between(r, 40, 450);
  const landAreaM2 =
    propertyType === 'apartment' || propertyType === 'office' || r() < 0.1 ? null : between(r, 90, 1200);
  const address = r() < 0.6 ? `${pick(r, STREETS)} ${between(r, 10, 3999)}` : null;
  const lat = Number((place.lat + (r() - 0.5) * 0.12).toFixed(6));
  const lng = Number((place.lng + (r() - 0.5) * 0.12).toFixed(6));
  const opWord = operation === 'sale' ? 'venta' : 'renta';
  const tricky = r() < 0.15;
  const title = tricky
    ? `${TYPE_NOUN[propertyType]} "Los Álamos" & jardín en ${opWord}, ${neighborhood}`
    : `${TYPE_NOUN[propertyType]} en ${opWord} en ${neighborhood}, ${place.city}`;
  const descriptionParagraphs = [
    `${TYPE_NOUN[propertyType]} en ${opWord} en la colonia ${neighborhood}, ${place.city}, ${place.state}.`,
    bedrooms != null
      ? `Cuenta con ${bedrooms} recámaras${bathrooms != null ? ` y ${bathrooms} baños` : ''}.`
      : 'Excelente ubicación & fácil acceso.',
    `Ref. ${site.toUpperCase()}-${n}: cerca de escuelas, parques y centros comerciales.`,
  ];
  const imageCount = r() < 0.05 ? 0 : between(r, 1, 8);
  const publisher = r() < 0.85 ? pick(r, AGENCIES) : null;
  const day = 1 + (hash32(`${site}:${n}:date`) % 300);
  const publishedAt = new Date(Date.UTC(2026, 0, day)).toISOString().slice(0, 10);
  return {
    n,
    operation,
    propertyType,
    isDevelopment,
    priceKind,
    price,
    currency,
    bedrooms,
    bathrooms,
    parkingSpaces,
    builtAreaM2,
    landAreaM2,
    neighborhood,
    city: place.city,
    state: place.state,
    address,
    lat,
    lng,
    title,
    descriptionParagraphs,
    imageCount,
    publisher,
    publishedAt,
  };
}

/**
 * How the catalogue changes between runs: from epoch 1 on, one listing in 20 has a new price and
 * one in 25 is removed. Tests compare a second batch against exactly these counts.
 */
export function isRemoved(seed: number, site: string, n: number, epoch: number): boolean {
  return epoch >= 1 && hash32(`${seed}:${site}:${n}:change`) % 25 === 7;
}

export function factsAtEpoch(seed: number, site: string, n: number, epoch: number): PropertyFacts {
  const facts = generateFacts(seed, site, n);
  const changes = epoch >= 1 && facts.price != null && hash32(`${seed}:${site}:${n}:change`) % 20 === 3;
  if (!changes) return facts;
  const step = facts.currency === 'USD' ? 10 : facts.operation === 'rent' ? 100 : 1000;
  return { ...facts, price: round(facts.price! * (1 + 0.05 * epoch), step) };
}
