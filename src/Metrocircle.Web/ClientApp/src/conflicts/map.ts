// The conflicts map: county outlines for orientation, the patches filled by severity with an outline, a point
// marker for every patch at low zooms (a 100 m² patch is far below a pixel there), the selected patch, and the two
// features it sets against each other (A solid, B dashed).
//
// Hooks: #conflict-map[data-patches] (patches drawn), [data-highlighted] (features A and B drawn), [data-ready]
// (the map is idle after the last change).

import 'maplibre-gl/dist/maplibre-gl.css';
import { LngLatBounds, Map as MapLibreMap, NavigationControl, ScaleControl, type ExpressionSpecification, type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl';
import type { FeatureCollection as GeoJsonCollection } from 'geojson';
import type { Feature } from '../api';
import { eachPosition, emptyBBox, extendPoint, isEmpty, representativePoint, type BBox, type Geometry } from '../geometry';
import type { PlanLayer } from '../model';
import { BACKGROUND, LAND } from '../styles';
import type { Patch } from './api';

export const SEVERITY_COLOURS: Record<string, string> = { high: '#c62828', medium: '#ef6c00', low: '#c9a100' };
export const FEATURE_A = '#1565c0';
export const FEATURE_B = '#6a1b9a';
const OTHER = '#757575';
/** Below this zoom every patch also gets a point marker. */
const MARKER_MAX_ZOOM = 12;

const SEVERITY_EXPRESSION: ExpressionSpecification = ['match', ['get', 'severity'], 'high', SEVERITY_COLOURS.high!, 'medium', SEVERITY_COLOURS.medium!, 'low', SEVERITY_COLOURS.low!, OTHER];

type Collection = { type: 'FeatureCollection'; features: { type: 'Feature'; id?: number; geometry: Geometry; properties: Record<string, unknown> }[] };

export class ConflictMap {
  readonly map: MapLibreMap;
  readonly loaded: Promise<void>;
  private indexOf = new Map<string, number>();

  constructor(
    private readonly container: HTMLElement,
    counties: PlanLayer | null,
    private readonly picked: (id: string) => void,
  ) {
    const bounds = boundsOf(counties?.features.map((f) => f.geometry) ?? []) ?? ([-180, -60, 180, 75] as BBox);
    this.map = new MapLibreMap({
      container,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }] },
      bounds: bounds as LngLatBoundsLike,
      fitBoundsOptions: { padding: 16 },
      minZoom: 3,
      maxZoom: 17,
      renderWorldCopies: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      attributionControl: false,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new ScaleControl({ unit: 'metric', maxWidth: 100 }), 'bottom-right');
    this.loaded = new Promise<void>((resolve) =>
      this.map.once('load', () => {
        this.addLayers(counties);
        resolve();
      }),
    );
  }

  private addLayers(counties: PlanLayer | null): void {
    const m = this.map;
    const empty: Collection = { type: 'FeatureCollection', features: [] };
    const countyData: Collection = {
      type: 'FeatureCollection',
      features: (counties?.features ?? []).filter((f) => f.geometry).map((f) => ({ type: 'Feature', geometry: f.geometry!, properties: {} })),
    };
    m.addSource('counties', { type: 'geojson', data: countyData as GeoJsonCollection });
    m.addLayer({ id: 'counties-fill', type: 'fill', source: 'counties', paint: { 'fill-color': LAND } });
    m.addLayer({ id: 'counties-line', type: 'line', source: 'counties', paint: { 'line-color': '#9aa1ad', 'line-width': 0.6 } });
    for (const id of ['patches', 'patch-points', 'selected', 'features']) m.addSource(id, { type: 'geojson', data: empty as GeoJsonCollection });
    m.addLayer({ id: 'features-fill', type: 'fill', source: 'features', paint: { 'fill-color': ['match', ['get', 'role'], 'A', FEATURE_A, FEATURE_B], 'fill-opacity': 0.12 } });
    m.addLayer({ id: 'features-line-a', type: 'line', source: 'features', filter: ['==', ['get', 'role'], 'A'], paint: { 'line-color': FEATURE_A, 'line-width': 2.5 } });
    m.addLayer({ id: 'features-line-b', type: 'line', source: 'features', filter: ['==', ['get', 'role'], 'B'], paint: { 'line-color': FEATURE_B, 'line-width': 2.5, 'line-dasharray': [2, 1.5] } });
    m.addLayer({ id: 'patches-fill', type: 'fill', source: 'patches', paint: { 'fill-color': SEVERITY_EXPRESSION, 'fill-opacity': 0.6 } });
    m.addLayer({ id: 'patches-line', type: 'line', source: 'patches', paint: { 'line-color': SEVERITY_EXPRESSION, 'line-width': 1.5 } });
    m.addLayer({
      id: 'patch-points',
      type: 'circle',
      source: 'patch-points',
      maxzoom: MARKER_MAX_ZOOM,
      paint: { 'circle-color': SEVERITY_EXPRESSION, 'circle-radius': 4.5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1, 'circle-opacity': 0.9 },
    });
    m.addLayer({ id: 'selected-line', type: 'line', source: 'selected', paint: { 'line-color': '#111111', 'line-width': 3 } });
    m.addLayer({ id: 'selected-point', type: 'circle', source: 'selected', maxzoom: MARKER_MAX_ZOOM, paint: { 'circle-radius': 8, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#111111', 'circle-stroke-width': 2.5 } });
    for (const layer of ['patches-fill', 'patch-points']) {
      m.on('click', layer, (e) => {
        const id = e.features?.[0]?.properties?.pid;
        if (typeof id === 'string') this.picked(id);
      });
      m.on('mouseenter', layer, () => (m.getCanvas().style.cursor = 'pointer'));
      m.on('mouseleave', layer, () => (m.getCanvas().style.cursor = ''));
    }
  }

  /** Draws these patches (the filtered set) in place of the previous ones. */
  async setPatches(patches: Patch[]): Promise<void> {
    await this.loaded;
    this.indexOf = new Map(patches.map((p, i) => [p.id, i]));
    const props = (p: Patch) => ({ pid: p.id, severity: p.properties.severity, rule: p.properties.rule, status: p.properties.status });
    const shapes: Collection = { type: 'FeatureCollection', features: patches.map((p, i) => ({ type: 'Feature', id: i, geometry: p.geometry, properties: props(p) })) };
    const points: Collection = { type: 'FeatureCollection', features: [] };
    for (const [i, p] of patches.entries()) {
      const at = representativePoint(p.geometry);
      if (at) points.features.push({ type: 'Feature', id: i, geometry: { type: 'Point', coordinates: at }, properties: props(p) });
    }
    this.source('patches').setData(shapes as GeoJsonCollection);
    this.source('patch-points').setData(points as GeoJsonCollection);
    this.container.dataset.patches = String(patches.length);
    this.markIdle();
  }

  /** Outlines the selected patch and draws its features A and B; brings all three into view. */
  async select(patch: Patch | null, a: Feature | null, b: Feature | null): Promise<void> {
    await this.loaded;
    const selected: Collection = { type: 'FeatureCollection', features: [] };
    const features: Collection = { type: 'FeatureCollection', features: [] };
    if (patch) {
      selected.features.push({ type: 'Feature', geometry: patch.geometry, properties: {} });
      const at = representativePoint(patch.geometry);
      if (at) selected.features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: {} });
    }
    for (const [role, f] of [['A', a], ['B', b]] as const) {
      if (f?.geometry) features.features.push({ type: 'Feature', geometry: f.geometry, properties: { role } });
    }
    this.source('selected').setData(selected as GeoJsonCollection);
    this.source('features').setData(features as GeoJsonCollection);
    this.container.dataset.highlighted = String(features.features.length);
    const b0 = boundsOf([patch?.geometry ?? null, a?.geometry ?? null, b?.geometry ?? null]);
    // the inspector covers the right of the map: keep the patch and its features left of it
    const right = Math.min(440, this.container.clientWidth / 2);
    if (patch && b0) this.map.fitBounds(new LngLatBounds([b0[0], b0[1]], [b0[2], b0[3]]), { padding: { top: 60, bottom: 60, left: 60, right }, maxZoom: 15, duration: 0 });
    this.markIdle();
  }

  /** Brings the shown patches into view. */
  fit(patches: Patch[]): void {
    const b = boundsOf(patches.map((p) => p.geometry));
    if (b) this.map.fitBounds(new LngLatBounds([b[0], b[1]], [b[2], b[3]]), { padding: 40, maxZoom: 13, duration: 0 });
  }

  has(id: string): boolean {
    return this.indexOf.has(id);
  }

  private source(id: string): GeoJSONSource {
    return this.map.getSource(id) as GeoJSONSource;
  }

  private markIdle(): void {
    delete this.container.dataset.ready;
    this.map.once('idle', () => (this.container.dataset.ready = 'true'));
  }
}

function boundsOf(geometries: (Geometry | null | undefined)[]): BBox | null {
  const b = emptyBBox();
  for (const g of geometries) if (g) eachPosition(g, (p) => extendPoint(b, p));
  return isEmpty(b) ? null : b;
}
