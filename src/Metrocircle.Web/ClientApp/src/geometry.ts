// Small planar helpers on GeoJSON (lon/lat) geometry: extents and label points.

export type Position = number[];
export type Ring = Position[];

export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Ring[] }
  | { type: 'MultiPolygon'; coordinates: Ring[][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

export type LonLat = [number, number];

export function emptyBBox(): BBox {
  return [Infinity, Infinity, -Infinity, -Infinity];
}

export function isEmpty(b: BBox): boolean {
  return !(b[0] <= b[2] && b[1] <= b[3]);
}

export function extendPoint(b: BBox, p: Position): void {
  const x = p[0];
  const y = p[1];
  if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) return;
  if (x < b[0]) b[0] = x;
  if (y < b[1]) b[1] = y;
  if (x > b[2]) b[2] = x;
  if (y > b[3]) b[3] = y;
}

export function extendBBox(b: BBox, o: BBox | number[]): void {
  if (o.length < 4) return;
  const [x0, y0, x1, y1] = o.length >= 6 ? [o[0], o[1], o[3], o[4]] : [o[0], o[1], o[2], o[3]];
  if ([x0, y0, x1, y1].some((v) => v === undefined || !Number.isFinite(v))) return;
  extendPoint(b, [x0 as number, y0 as number]);
  extendPoint(b, [x1 as number, y1 as number]);
}

/** Calls fn for every position of a geometry. */
export function eachPosition(g: Geometry, fn: (p: Position) => void): void {
  switch (g.type) {
    case 'Point':
      fn(g.coordinates);
      break;
    case 'MultiPoint':
    case 'LineString':
      g.coordinates.forEach(fn);
      break;
    case 'MultiLineString':
    case 'Polygon':
      g.coordinates.forEach((part) => part.forEach(fn));
      break;
    case 'MultiPolygon':
      g.coordinates.forEach((poly) => poly.forEach((ring) => ring.forEach(fn)));
      break;
    case 'GeometryCollection':
      g.geometries.forEach((child) => eachPosition(child, fn));
      break;
  }
}

export function geometryBBox(g: Geometry): BBox {
  const b = emptyBBox();
  eachPosition(g, (p) => extendPoint(b, p));
  return b;
}

export function bboxArea(b: BBox): number {
  return isEmpty(b) ? 0 : (b[2] - b[0]) * (b[3] - b[1]);
}

/** The polygons (outer ring first) of a polygonal geometry. */
export function polygonsOf(g: Geometry): Ring[][] {
  switch (g.type) {
    case 'Polygon':
      return [g.coordinates];
    case 'MultiPolygon':
      return g.coordinates;
    case 'GeometryCollection':
      return g.geometries.flatMap(polygonsOf);
    default:
      return [];
  }
}

function ringArea(ring: Ring): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[i]!;
    const q = ring[j]!;
    a += (q[0]! - p[0]!) * (q[1]! + p[1]!);
  }
  return Math.abs(a) / 2;
}

function polygonArea(poly: Ring[]): number {
  const [outer, ...holes] = poly;
  if (!outer) return 0;
  return ringArea(outer) - holes.reduce((s, h) => s + ringArea(h), 0);
}

function ringCentroid(ring: Ring): LonLat | null {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[i]!;
    const q = ring[j]!;
    const f = q[0]! * p[1]! - p[0]! * q[1]!;
    a += f;
    cx += (q[0]! + p[0]!) * f;
    cy += (q[1]! + p[1]!) * f;
  }
  if (Math.abs(a) < 1e-12) return null;
  return [cx / (3 * a), cy / (3 * a)];
}

function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(x: number, y: number, poly: Ring[]): boolean {
  const [outer, ...holes] = poly;
  return !!outer && inRing(x, y, outer) && !holes.some((h) => inRing(x, y, h));
}

/** Whether a polygonal geometry covers the point (false for lines and points). */
export function containsPoint(g: Geometry, p: LonLat): boolean {
  return polygonsOf(g).some((poly) => inPolygon(p[0], p[1], poly));
}

/** Crossings of the horizontal line at y with a polygon's rings, sorted by x. */
function crossingsAtY(poly: Ring[], y: number): number[] {
  const xs: number[] = [];
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
    }
  }
  return xs.sort((a, b) => a - b);
}

/**
 * A point inside the largest polygon, good enough for a label: the area centroid when it falls
 * inside, otherwise the middle of the widest inside span on a few horizontal scan lines.
 */
export function interiorPoint(g: Geometry): LonLat | null {
  const polys = polygonsOf(g);
  if (polys.length === 0) return null;
  let best = polys[0]!;
  let bestArea = -1;
  for (const p of polys) {
    const a = polygonArea(p);
    if (a > bestArea) {
      best = p;
      bestArea = a;
    }
  }
  const outer = best[0];
  if (!outer || outer.length < 3) return null;
  const c = ringCentroid(outer);
  if (c && inPolygon(c[0], c[1], best)) return c;

  const b = geometryBBox({ type: 'Polygon', coordinates: best });
  let bestSpan: { x: number; y: number; w: number } | null = null;
  // scan lines from the middle outwards, so that ties keep the most central span
  for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9]) {
    const y = b[1] + (b[3] - b[1]) * f;
    const xs = crossingsAtY(best, y);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const w = xs[i + 1]! - xs[i]!;
      if (!bestSpan || w > bestSpan.w) bestSpan = { x: (xs[i]! + xs[i + 1]!) / 2, y, w };
    }
  }
  if (bestSpan) return [bestSpan.x, bestSpan.y];
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

/** Where the meridian x first and last crosses a polygonal geometry's boundary: its top and bottom. */
export function edgesAt(g: Geometry, x: number): { top: LonLat; bottom: LonLat } | null {
  let top = -Infinity;
  let bottom = Infinity;
  for (const poly of polygonsOf(g)) {
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i] as [number, number];
        const [xj, yj] = ring[j] as [number, number];
        if (xi > x !== xj > x) {
          const y = ((yj - yi) * (x - xi)) / (xj - xi) + yi;
          if (y > top) top = y;
          if (y < bottom) bottom = y;
        }
      }
    }
  }
  return Number.isFinite(top) && Number.isFinite(bottom) ? { top: [x, top], bottom: [x, bottom] } : null;
}

function lineLength(line: Position[]): number {
  let len = 0;
  for (let i = 1; i < line.length; i++) {
    len += Math.hypot(line[i]![0]! - line[i - 1]![0]!, line[i]![1]! - line[i - 1]![1]!);
  }
  return len;
}

/** The point a fraction of the way along the longest part of a linear geometry. */
export function pointAlong(g: Geometry, fraction: number): LonLat | null {
  const parts = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
  let line: Position[] | undefined;
  let longest = -1;
  for (const p of parts) {
    const l = lineLength(p);
    if (l > longest) {
      longest = l;
      line = p;
    }
  }
  if (!line || line.length === 0) return null;
  let remaining = longest * Math.min(Math.max(fraction, 0), 1);
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1]!;
    const b = line[i]!;
    const seg = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
    if (seg >= remaining && seg > 0) {
      const t = remaining / seg;
      return [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t];
    }
    remaining -= seg;
  }
  const last = line[line.length - 1]!;
  return [last[0]!, last[1]!];
}

/** The geometry's own representative point: the point, a line's midpoint or a polygon's interior point. */
export function representativePoint(g: Geometry): LonLat | null {
  switch (g.type) {
    case 'Point':
      return g.coordinates.length >= 2 ? [g.coordinates[0]!, g.coordinates[1]!] : null;
    case 'MultiPoint': {
      const p = g.coordinates[0];
      return p && p.length >= 2 ? [p[0]!, p[1]!] : null;
    }
    case 'LineString':
    case 'MultiLineString':
      return pointAlong(g, 0.5);
    case 'Polygon':
    case 'MultiPolygon':
      return interiorPoint(g);
    case 'GeometryCollection': {
      for (const child of g.geometries) {
        const p = representativePoint(child);
        if (p) return p;
      }
      return null;
    }
  }
}

/** Which of the three drawable families a geometry belongs to. */
export function family(type: string | undefined): 'polygon' | 'line' | 'point' | 'none' {
  switch (type) {
    case 'Polygon':
    case 'MultiPolygon':
      return 'polygon';
    case 'LineString':
    case 'MultiLineString':
      return 'line';
    case 'Point':
    case 'MultiPoint':
      return 'point';
    default:
      return 'none';
  }
}
