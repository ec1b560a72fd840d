// What a check puts on the map: the footprint drawn boldly, the plan features it overlaps, and a marker where
// the server located a problem.

import { LngLatBounds, Marker, type ExpressionSpecification, type GeoJSONSource, type Map as MapLibreMap } from 'maplibre-gl';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import { fetchItem, type Feature } from '../api';
import { bboxArea, eachPosition, emptyBBox, geometryBBox, extendPoint, isEmpty, type BBox, type Geometry, type LonLat } from '../geometry';
import type { PlanLayers } from '../layers';
import { FOOTPRINT, OVERLAP, PROBLEM } from './colours';
import type { Overlap } from './api';

const FOOTPRINT_SOURCE = 'mc-check-footprint';
const OVERLAP_SOURCE = 'mc-check-overlaps';
const POLYGONS: ExpressionSpecification = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
const POINTS: ExpressionSpecification = ['in', ['geometry-type'], ['literal', ['Point', 'MultiPoint']]];

/** At most this many overlapping features are fetched and highlighted. */
export const MAX_HIGHLIGHTED = 200;
const PARALLEL = 4;

export class CheckOverlay {
  private marker: Marker | null = null;
  private overlapFeatures: GeoJsonFeature[] = [];

  constructor(
    private readonly map: MapLibreMap,
    planLayers: PlanLayers,
  ) {
    map.addSource(OVERLAP_SOURCE, { type: 'geojson', data: empty() });
    map.addSource(FOOTPRINT_SOURCE, { type: 'geojson', data: empty() });
    // light enough that a large overlapping zone does not hide the small ones drawn on top of it
    planLayers.addOverlay('checkOverlap', {
      id: 'mc-check-overlap-fill',
      type: 'fill',
      source: OVERLAP_SOURCE,
      filter: POLYGONS,
      layout: { 'fill-sort-key': ['-', 0, ['get', 'area']] },
      paint: { 'fill-color': OVERLAP, 'fill-opacity': 0.2 },
    });
    planLayers.addOverlay(
      'checkOverlap',
      {
        id: 'mc-check-overlap-line',
        type: 'line',
        source: OVERLAP_SOURCE,
        filter: ['!', POINTS],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': OVERLAP, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 1.2, 12, 2.4] },
      },
      0.01,
    );
    planLayers.addOverlay(
      'checkOverlap',
      { id: 'mc-check-overlap-point', type: 'circle', source: OVERLAP_SOURCE, filter: POINTS, paint: { 'circle-radius': 9, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': OVERLAP, 'circle-stroke-width': 3 } },
      0.02,
    );
    planLayers.addOverlay('checkFootprint', { id: 'mc-check-footprint-fill', type: 'fill', source: FOOTPRINT_SOURCE, filter: POLYGONS, paint: { 'fill-color': FOOTPRINT, 'fill-opacity': 0.08 } });
    planLayers.addOverlay(
      'checkFootprint',
      {
        id: 'mc-check-footprint-casing',
        type: 'line',
        source: FOOTPRINT_SOURCE,
        filter: ['!', POINTS],
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#ffffff', 'line-width': 7, 'line-opacity': 0.9 },
      },
      0.01,
    );
    planLayers.addOverlay(
      'checkFootprint',
      {
        id: 'mc-check-footprint-line',
        type: 'line',
        source: FOOTPRINT_SOURCE,
        filter: ['!', POINTS],
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': FOOTPRINT, 'line-width': 3.5 },
      },
      0.02,
    );
    planLayers.addOverlay(
      'checkFootprint',
      { id: 'mc-check-footprint-point', type: 'circle', source: FOOTPRINT_SOURCE, filter: POINTS, paint: { 'circle-radius': 7, 'circle-color': FOOTPRINT, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2.5 } },
      0.03,
    );
  }

  setFootprint(geometry: Geometry | null): void {
    const data = geometry ? { type: 'FeatureCollection' as const, features: [feature(geometry, {})] } : empty();
    this.map.getSource<GeoJSONSource>(FOOTPRINT_SOURCE)?.setData(data);
  }

  clearOverlaps(): void {
    this.overlapFeatures = [];
    this.map.getSource<GeoJSONSource>(OVERLAP_SOURCE)?.setData(empty());
  }

  /**
   * Fetches the overlapping features (at most MAX_HIGHLIGHTED, in the order the verdict lists them) and highlights
   * them as they arrive. Resolves with how many were drawn and how many failed.
   */
  async showOverlaps(overlaps: Overlap[], signal: AbortSignal): Promise<{ shown: number; total: number; failed: number }> {
    this.clearOverlaps();
    const wanted = overlaps.flatMap((o) => o.featureIds.map((id) => ({ layer: o.layer, id })));
    const queue = wanted.slice(0, MAX_HIGHLIGHTED);
    let failed = 0;
    let next = 0;
    let dirty = false;
    const flush = () => {
      if (!dirty || signal.aborted) return;
      dirty = false;
      this.map.getSource<GeoJSONSource>(OVERLAP_SOURCE)?.setData({ type: 'FeatureCollection', features: this.overlapFeatures });
    };
    const timer = setInterval(flush, 250);
    const worker = async () => {
      while (next < queue.length && !signal.aborted) {
        const item = queue[next++]!;
        try {
          const f: Feature = await fetchItem(item.layer, item.id, signal);
          if (f.geometry && !signal.aborted) {
            this.overlapFeatures.push(feature(f.geometry, { layer: item.layer, id: String(f.id ?? item.id), area: bboxArea(geometryBBox(f.geometry)) }));
            dirty = true;
          }
        } catch {
          if (!signal.aborted) failed++;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
    } finally {
      clearInterval(timer);
      flush();
    }
    return { shown: this.overlapFeatures.length, total: wanted.length, failed };
  }

  /** The extent of the highlighted features of one collection, if any arrived. */
  overlapBounds(layer: string): BBox | null {
    const b = emptyBBox();
    for (const f of this.overlapFeatures) {
      if (f.properties?.layer === layer && f.geometry) eachPosition(f.geometry as Geometry, (p) => extendPoint(b, p));
    }
    return isEmpty(b) ? null : b;
  }

  showProblem(location: LonLat | null, title: string): void {
    this.clearProblem();
    if (!location) return;
    const element = document.createElement('div');
    element.className = 'check-problem-marker';
    element.title = title;
    element.style.setProperty('--problem-colour', PROBLEM);
    this.marker = new Marker({ element, anchor: 'center' }).setLngLat(location).addTo(this.map);
    if (!this.map.getBounds().contains(location)) this.map.easeTo({ center: location, duration: 400 });
  }

  clearProblem(): void {
    this.marker?.remove();
    this.marker = null;
  }

  /** Brings a geometry into view if it is not entirely on screen. */
  reveal(geometry: Geometry | BBox): void {
    const b: BBox = Array.isArray(geometry) ? geometry : emptyBBox();
    if (!Array.isArray(geometry)) eachPosition(geometry, (p) => extendPoint(b, p));
    if (isEmpty(b)) return;
    const bounds = new LngLatBounds([b[0], b[1]], [b[2], b[3]]);
    const view = this.map.getBounds();
    if (view.contains(bounds.getSouthWest()) && view.contains(bounds.getNorthEast())) return;
    this.map.fitBounds(bounds, { padding: 60, maxZoom: 14, duration: 500 });
  }
}

function feature(geometry: Geometry, properties: Record<string, string | number>): GeoJsonFeature {
  return { type: 'Feature', properties, geometry: geometry as GeoJsonGeometry };
}

function empty(): { type: 'FeatureCollection'; features: GeoJsonFeature[] } {
  return { type: 'FeatureCollection', features: [] };
}
