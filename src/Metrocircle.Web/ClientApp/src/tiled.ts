// Big collections are drawn from the server's vector tiles (OGC API – Tiles, TileJSON 3.0) instead of being
// downloaded whole as GeoJSON. A tile carries a feature's attributes but not always its id, and never its whole
// geometry, so a clicked tile feature is fetched in full from the Features API before it is shown.

import type { Map as MapLibreMap, MapGeoJSONFeature, MapSourceDataEvent } from 'maplibre-gl';
import { fetchItem, fetchItemsInBBox, hasTileJson, type Feature, type Properties } from './api';
import { containsPoint, type LonLat } from './geometry';
import { isDrawable, type PlanLayer } from './model';

/** Collections with more features than this are drawn from vector tiles when the server offers them. */
export const TILE_THRESHOLD = 2000;

/** Whether a layer should be tiled: big, drawable, and its TileJSON is really there. */
export async function shouldTile(layer: PlanLayer, signal?: AbortSignal): Promise<boolean> {
  if (!layer.hasTiles || !isDrawable(layer) || layer.featureCount <= TILE_THRESHOLD) return false;
  return hasTileJson(layer.id, signal);
}

/** A feature of a tiled layer as the tile has it. */
export interface TileHit {
  /** The feature id: MVT's numeric id, or an `id` attribute; null when the tile has neither. */
  id: string | null;
  properties: Properties;
  /** Where it was clicked, and how far around (degrees) a line or point could be. */
  lngLat: LonLat | null;
  tolerance: number;
}

export function tileHit(f: MapGeoJSONFeature, lngLat: LonLat, tolerance: number): TileHit {
  const properties = { ...(f.properties ?? {}) } as Properties;
  const raw = f.id ?? properties.id;
  const id = typeof raw === 'number' || (typeof raw === 'string' && raw !== '') ? String(raw) : null;
  return { id, properties, lngLat, tolerance };
}

/** A key that tells tile features apart (one feature cut into several tiles gives one key). */
export function tileKey(layer: PlanLayer, hit: TileHit): string {
  return `${layer.id}/${hit.id ?? JSON.stringify(hit.properties)}`;
}

/**
 * The whole feature behind a tile feature: by id when the tile has one, else the feature near the clicked point
 * whose attributes are the tile's (and that covers the point, for areas).
 */
export async function resolveTileFeature(layer: PlanLayer, hit: TileHit, signal?: AbortSignal): Promise<Feature> {
  if (hit.id !== null) return fetchItem(layer.id, hit.id, signal);
  if (!hit.lngLat) throw new Error(`A feature of ${layer.id} without an id cannot be looked up`);
  const [x, y] = hit.lngLat;
  const e = Math.max(hit.tolerance, 1e-6);
  const candidates = await fetchItemsInBBox(layer.id, [x - e, y - e, x + e, y + e], 100, signal);
  const score = (f: Feature): number => {
    let s = 0;
    for (const [k, v] of Object.entries(hit.properties)) {
      const mine = f.properties?.[k];
      if (mine !== undefined && mine !== null && String(mine) === String(v)) s += 2;
      else if (typeof mine === 'number' && typeof v === 'number' && Math.abs(mine - v) < 1e-6 * Math.max(1, Math.abs(v))) s += 2;
      else s -= 3;
    }
    if (f.geometry && containsPoint(f.geometry, hit.lngLat!)) s += 1;
    return s;
  };
  const best = candidates.map((f) => ({ f, s: score(f) })).sort((a, b) => b.s - a.s)[0];
  if (!best) throw new Error(`No feature of ${layer.id} was found at ${x.toFixed(5)}, ${y.toFixed(5)}`);
  return best.f;
}

/** Resolves once a source has loaded what the current view needs; rejects if its TileJSON cannot be read. */
export function sourceLoaded(map: MapLibreMap, sourceId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const loaded = () => !!map.getSource(sourceId) && map.isSourceLoaded(sourceId);
    const finish = (error?: Error) => {
      map.off('sourcedata', onData);
      map.off('error', onError);
      map.off('idle', onData);
      if (error) reject(error);
      else resolve();
    };
    const onData = (e?: MapSourceDataEvent) => {
      if ((!e || !('sourceId' in e) || e.sourceId === sourceId) && loaded()) finish();
    };
    const onError = (e: { error: Error; sourceId?: string; tile?: unknown }) => {
      // a single broken tile is drawn as empty; a source whose TileJSON fails has nothing to draw
      if (e.sourceId === sourceId && !e.tile) finish(new Error(`vector tiles: ${e.error?.message ?? 'the TileJSON could not be read'}`));
    };
    map.on('sourcedata', onData);
    map.on('idle', onData);
    map.on('error', onError);
    onData();
  });
}
