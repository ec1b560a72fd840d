// A footprint from an uploaded GeoJSON file: a Feature, a FeatureCollection with one feature, or a bare geometry.

import { eachPosition, type Geometry } from '../geometry';

export interface Footprint {
  geometry: Geometry;
  /** Where it came from, for the summary line: "drawn" or the file name. */
  origin: string;
  /** properties.category / properties.bufferM of an uploaded Feature, to preselect. */
  category?: string;
  bufferM?: number;
}

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

/** Reads GeoJSON text; throws an Error whose message says what is wrong, in words a person can act on. */
export function parseFootprint(text: string, origin: string): Footprint {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${origin} is not JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (!doc || typeof doc !== 'object') throw new Error(`${origin} is not a GeoJSON object.`);
  let node = doc as Record<string, unknown>;
  if (node.type === 'FeatureCollection') {
    const features = Array.isArray(node.features) ? node.features : [];
    if (features.length !== 1) {
      throw new Error(`${origin} has ${features.length} features; a footprint is one feature (merge the parts into one MultiPolygon first).`);
    }
    node = features[0] as Record<string, unknown>;
  }
  let properties: Record<string, unknown> = {};
  if (node?.type === 'Feature') {
    properties = node.properties && typeof node.properties === 'object' ? (node.properties as Record<string, unknown>) : {};
    if (!node.geometry) throw new Error(`The feature in ${origin} has no geometry.`);
    node = node.geometry as Record<string, unknown>;
  }
  if (!node || typeof node.type !== 'string' || !GEOMETRY_TYPES.has(node.type)) {
    throw new Error(`${origin} holds no GeoJSON geometry (expected a Feature, a FeatureCollection with one feature, or a geometry).`);
  }
  const geometry = node as unknown as Geometry;
  checkCoordinates(geometry, origin);
  const footprint: Footprint = { geometry, origin };
  if (typeof properties.category === 'string') footprint.category = properties.category;
  const buffer = Number(properties.bufferM);
  if (properties.bufferM !== undefined && properties.bufferM !== null && Number.isFinite(buffer)) footprint.bufferM = buffer;
  return footprint;
}

function checkCoordinates(g: Geometry, origin: string): void {
  let n = 0;
  let bad: number[] | null = null;
  eachPosition(g, (p) => {
    n++;
    const [x, y] = p;
    if (!bad && (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90)) bad = p;
  });
  if (n === 0) throw new Error(`The geometry in ${origin} has no coordinates.`);
  if (bad) {
    throw new Error(
      `${origin} has the position [${(bad as number[]).join(', ')}], which is not longitude/latitude; GeoJSON footprints are in WGS 84 degrees, longitude first (reproject projected files first).`,
    );
  }
}

/** Distinct vertices: a ring's closing position is not counted again. */
export function vertexCount(g: Geometry): number {
  if (g.type === 'Polygon') return g.coordinates.reduce((s, r) => s + Math.max(0, r.length - 1), 0);
  if (g.type === 'MultiPolygon') return g.coordinates.reduce((s, p) => s + p.reduce((t, r) => t + Math.max(0, r.length - 1), 0), 0);
  let n = 0;
  eachPosition(g, () => n++);
  return n;
}

/** Whether the server needs a buffer width for this footprint (a site given as a point or a line). */
export function needsBuffer(g: Geometry): boolean {
  return g.type === 'Point' || g.type === 'MultiPoint' || g.type === 'LineString' || g.type === 'MultiLineString';
}

export function describeGeometry(g: Geometry): string {
  const names: Record<string, string> = {
    Point: 'Point · 点',
    MultiPoint: 'Points · 多点',
    LineString: 'Line · 线',
    MultiLineString: 'Lines · 多线',
    Polygon: 'Area · 面',
    MultiPolygon: 'Areas · 多面',
    GeometryCollection: 'Collection · 集合',
  };
  const n = vertexCount(g);
  return `${names[g.type] ?? g.type}, ${n} ${n === 1 ? 'vertex' : 'vertices'}`;
}
