// A change set from a file, and areas as the page shows them before the server has measured anything.
//
// The upload format: a GeoJSON FeatureCollection whose features each carry, as top-level members beside
// "properties", `op` ("add" | "change" | "retire"), `layer` (a collection id) and `featureId`. A retire needs no
// geometry; add and change carry the new geometry and properties. Foreign members are allowed by RFC 7946 § 6.1.

import { polygonsOf, type Geometry } from '../geometry';
import type { Change, Op } from './api';

const OPS: readonly Op[] = ['add', 'change', 'retire'];

export const UPLOAD_EXAMPLE = `{
  "type": "FeatureCollection",
  "features": [
    { "type": "Feature", "op": "retire", "layer": "permanent-farmland", "featureId": "pf-000123",
      "properties": {}, "geometry": null },
    { "type": "Feature", "op": "add", "layer": "permanent-farmland", "featureId": "pf-000123-moved",
      "properties": { "countyId": "tianjin/宝坻区" },
      "geometry": { "type": "Polygon", "coordinates": [[[117.30, 39.70], [117.31, 39.70], [117.31, 39.71], [117.30, 39.71], [117.30, 39.70]]] } }
  ]
}`;

/** The changes of an uploaded FeatureCollection; a problem names the feature (by index) and what is missing. */
export function parseUpload(textContent: string): Change[] {
  let doc: unknown;
  try {
    doc = JSON.parse(textContent);
  } catch (e) {
    throw new Error(`The file is not JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error('The file must be a GeoJSON FeatureCollection with a "features" list.');
  if (fc.features.length === 0) throw new Error('The FeatureCollection has no features.');
  return fc.features.map((raw, i) => {
    const f = raw as { op?: unknown; layer?: unknown; featureId?: unknown; id?: unknown; properties?: unknown; geometry?: unknown };
    const where = `features[${i}]`;
    const op = f.op as Op;
    if (!OPS.includes(op)) throw new Error(`${where}.op: give "add", "change" or "retire" as a top-level member of the feature (it was ${JSON.stringify(f.op ?? null)}).`);
    if (typeof f.layer !== 'string' || !f.layer) throw new Error(`${where}.layer: name the collection the feature belongs to (e.g. "permanent-farmland").`);
    const id = typeof f.featureId === 'string' || typeof f.featureId === 'number' ? String(f.featureId) : typeof f.id === 'string' || typeof f.id === 'number' ? String(f.id) : undefined;
    if (!id) throw new Error(`${where}.featureId: give the id of the feature to ${op}${op === 'add' ? ' (the new feature’s id)' : ''}.`);
    if (op === 'retire') return { op, layer: f.layer, featureId: id };
    const geometry = f.geometry as Geometry | null;
    if (!geometry || typeof geometry !== 'object' || typeof (geometry as { type?: unknown }).type !== 'string') {
      throw new Error(`${where}.geometry: an ${op} needs the feature's new geometry.`);
    }
    const properties = f.properties && typeof f.properties === 'object' ? (f.properties as Record<string, unknown>) : {};
    return { op, layer: f.layer, featureId: id, feature: { type: 'Feature', properties, geometry } };
  });
}

const EARTH_RADIUS_M = 6371008.8;

/** Area on the sphere in square metres (rings by the spherical excess formula); an approximation of the server's equal-area figure. */
export function approxAreaM2(g: Geometry | null | undefined): number {
  if (!g) return 0;
  let total = 0;
  for (const polygon of polygonsOf(g)) {
    polygon.forEach((ring, i) => {
      const a = Math.abs(ringArea(ring));
      total += i === 0 ? a : -a;
    });
  }
  return Math.max(0, total);
}

function ringArea(ring: number[][]): number {
  let sum = 0;
  const rad = Math.PI / 180;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1 = 0, y1 = 0] = ring[i] ?? [];
    const [x2 = 0, y2 = 0] = ring[i + 1] ?? [];
    sum += (x2 - x1) * rad * (2 + Math.sin(y1 * rad) + Math.sin(y2 * rad));
  }
  return (sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2;
}

/** Hectares from square metres, e.g. "12.34 ha". */
export function ha(m2: number | null | undefined, digits = 2): string {
  if (m2 === null || m2 === undefined || !Number.isFinite(m2)) return '—';
  return `${(m2 / 10_000).toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ha`;
}
