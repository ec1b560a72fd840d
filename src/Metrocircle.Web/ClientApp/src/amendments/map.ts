// The amendment's map: the plan's provinces, the change set over them (retired features red and dashed, added ones
// green, changed ones orange with their old outline dashed), the places comments point at, and — when proposing —
// the features of one layer in view (read by bbox once zoomed in) to click and retire, and drawing to add one.
//
// Hooks: the container's data-ready="true" once the change set is drawn and the map idle; data-edit-count (how
// many features of the edited layer are shown).

import 'maplibre-gl/dist/maplibre-gl.css';
import { LngLatBounds, Map as MapLibreMap, NavigationControl, ScaleControl, type GeoJSONSource, type LngLatBoundsLike, type MapMouseEvent } from 'maplibre-gl';
import type { Feature as GeoJsonFeature, FeatureCollection as GeoJsonCollection, Geometry as GeoJsonGeometry } from 'geojson';
import { fetchItemsInBBox, type Feature } from '../api';
import { Drawing, type DrawEvents } from '../check/draw';
import { el } from '../dom';
import { containsPoint, eachPosition, emptyBBox, extendPoint, isEmpty, type BBox, type Geometry, type LonLat } from '../geometry';
import { Labels } from '../labels';
import { PlanLayers } from '../layers';
import { BACKGROUND } from '../styles';
import type { Jurisdictions } from '../cases/casemap';

export const COLOURS = { retire: '#c62828', add: '#2e7d32', change: '#ef6c00', edit: '#5b6b7f', pin: '#1d4ed8' } as const;

/** A shape on the map: what the change does to it, and whether it is the feature as it was (old) or will be. */
export interface Shape {
  op: 'add' | 'change' | 'retire';
  old: boolean;
  key: string;
  geometry: Geometry;
}

const CHANGES = 'mc-am-changes';
const EDIT = 'mc-am-edit';
const PINS = 'mc-am-pins';
/** Below this zoom the edited layer is not read (too many features in view). */
export const EDIT_MIN_ZOOM = 10;

const empty = (): GeoJsonCollection => ({ type: 'FeatureCollection', features: [] });

export class AmendmentMap {
  readonly map: MapLibreMap;
  readonly loaded: Promise<void>;
  private drawing: Drawing | null = null;
  private editLayer: string | null = null;
  private editFeatures: Feature[] = [];
  private editRequest: AbortController | null = null;
  /** A click on the map that is not part of drawing: the point and the edited layer's feature under it, if any. */
  onClick: ((at: LonLat, feature: Feature | null) => void) | null = null;
  onEditLoaded: ((count: number, zoomTooLow: boolean) => void) | null = null;

  constructor(
    private readonly container: HTMLElement,
    jurisdictions: Jurisdictions,
    drawEvents: DrawEvents | null,
  ) {
    const bounds = jurisdictions.layer?.bbox ?? ([113, 36, 120, 42.7] as BBox);
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
    container.append(key());
    this.loaded = new Promise<void>((resolve) =>
      this.map.once('load', () => {
        const planLayers = new PlanLayers(this.map);
        if (jurisdictions.layer) {
          planLayers.addPlanLayer(jurisdictions.layer);
          const labels = new Labels(this.map);
          labels.addLayer(jurisdictions.layer);
          labels.update();
        }
        this.addLayers(planLayers);
        if (drawEvents) this.drawing = new Drawing(this.map, planLayers, drawEvents);
        this.map.on('click', (e) => this.clicked(e));
        this.map.on('moveend', () => void this.readEditLayer());
        resolve();
      }),
    );
  }

  get draw(): Drawing | null {
    return this.drawing;
  }

  private addLayers(planLayers: PlanLayers): void {
    for (const id of [CHANGES, EDIT, PINS]) this.map.addSource(id, { type: 'geojson', data: empty() });
    const colour = ['match', ['get', 'op'], 'retire', COLOURS.retire, 'add', COLOURS.add, COLOURS.change] as unknown as string;
    planLayers.addOverlay('checkOverlap', { id: 'mc-am-edit-fill', type: 'fill', source: EDIT, paint: { 'fill-color': COLOURS.edit, 'fill-opacity': 0.18 } });
    planLayers.addOverlay('checkOverlap', { id: 'mc-am-edit-line', type: 'line', source: EDIT, paint: { 'line-color': COLOURS.edit, 'line-width': 1 } }, 0.01);
    planLayers.addOverlay('checkFootprint', {
      id: 'mc-am-fill',
      type: 'fill',
      source: CHANGES,
      filter: ['!', ['get', 'old']],
      paint: { 'fill-color': colour, 'fill-opacity': 0.3 },
    });
    planLayers.addOverlay('checkFootprint', {
      id: 'mc-am-retired-fill',
      type: 'fill',
      source: CHANGES,
      filter: ['all', ['get', 'old'], ['==', ['get', 'op'], 'retire']],
      paint: { 'fill-color': COLOURS.retire, 'fill-opacity': 0.15 },
    }, 0.01);
    planLayers.addOverlay('checkFootprint', {
      id: 'mc-am-line',
      type: 'line',
      source: CHANGES,
      filter: ['!', ['get', 'old']],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': colour, 'line-width': 2.5 },
    }, 0.02);
    planLayers.addOverlay('checkFootprint', {
      id: 'mc-am-old-line',
      type: 'line',
      source: CHANGES,
      filter: ['get', 'old'],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': colour, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
    }, 0.03);
    planLayers.addOverlay('checkDraft', {
      id: 'mc-am-pins',
      type: 'circle',
      source: PINS,
      paint: { 'circle-radius': 6, 'circle-color': ['case', ['get', 'draft'], '#ffffff', COLOURS.pin], 'circle-stroke-color': COLOURS.pin, 'circle-stroke-width': 2 },
    }, 0.05);
  }

  /** Draws the change set and brings it into view. */
  async showChanges(shapes: Shape[], fit = true): Promise<void> {
    await this.loaded;
    const features: GeoJsonFeature[] = shapes.map((s) => ({ type: 'Feature', properties: { op: s.op, old: s.old, key: s.key }, geometry: s.geometry as GeoJsonGeometry }));
    this.map.getSource<GeoJSONSource>(CHANGES)?.setData({ type: 'FeatureCollection', features });
    const b = emptyBBox();
    for (const s of shapes) eachPosition(s.geometry, (p) => extendPoint(b, p));
    if (fit && !isEmpty(b)) this.map.fitBounds(new LngLatBounds([b[0], b[1]], [b[2], b[3]]), { padding: 60, maxZoom: 13, duration: 0 });
    delete this.container.dataset.ready;
    this.map.once('idle', () => (this.container.dataset.ready = 'true'));
  }

  /** The points and areas comments are about; `draft` marks the one being written. */
  async showPins(geometries: { geometry: Geometry; draft?: boolean }[]): Promise<void> {
    await this.loaded;
    const features: GeoJsonFeature[] = geometries.map((g) => ({ type: 'Feature', properties: { draft: !!g.draft }, geometry: g.geometry as GeoJsonGeometry }));
    this.map.getSource<GeoJSONSource>(PINS)?.setData({ type: 'FeatureCollection', features });
  }

  /** Shows the features of one layer in view (from the zoom where there are few enough), to click. */
  async setEditLayer(layer: string | null): Promise<void> {
    await this.loaded;
    this.editLayer = layer;
    await this.readEditLayer();
  }

  private async readEditLayer(): Promise<void> {
    this.editRequest?.abort();
    const layer = this.editLayer;
    const zoomTooLow = this.map.getZoom() < EDIT_MIN_ZOOM - 0.01;
    if (!layer || zoomTooLow) {
      this.editFeatures = [];
      this.map.getSource<GeoJSONSource>(EDIT)?.setData(empty());
      this.container.dataset.editCount = '0';
      this.onEditLoaded?.(0, !!layer && zoomTooLow);
      return;
    }
    const controller = new AbortController();
    this.editRequest = controller;
    const b = this.map.getBounds();
    try {
      const features = await fetchItemsInBBox(layer, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], 1000, controller.signal);
      if (controller.signal.aborted) return;
      this.editFeatures = features.filter((f) => f.geometry);
      this.map.getSource<GeoJSONSource>(EDIT)?.setData({
        type: 'FeatureCollection',
        features: this.editFeatures.map((f) => ({ type: 'Feature', id: undefined, properties: { id: String(f.id ?? '') }, geometry: f.geometry as GeoJsonGeometry })),
      });
      this.container.dataset.editCount = String(this.editFeatures.length);
      this.onEditLoaded?.(this.editFeatures.length, false);
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) this.onEditLoaded?.(0, false);
    }
  }

  private clicked(e: MapMouseEvent): void {
    if (this.drawing?.active) return;
    const at: LonLat = [e.lngLat.lng, e.lngLat.lat];
    const hit = this.editFeatures.find((f) => f.geometry && containsPoint(f.geometry, at)) ?? null;
    this.onClick?.(at, hit);
  }

  /** Flies to a point at a zoom where the edited layer is shown. */
  zoomTo(at: LonLat, zoom = EDIT_MIN_ZOOM + 1): void {
    this.map.jumpTo({ center: at, zoom });
  }

  remove(): void {
    this.editRequest?.abort();
    this.drawing?.cancel();
    this.map.remove();
  }
}

function key(): HTMLElement {
  const item = (cls: string, colour: string, label: string) => {
    const s = el('span', { class: cls }, label);
    s.style.setProperty('--key-colour', colour);
    return s;
  };
  return el(
    'div',
    { class: 'case-map__key amendment-map__key', 'aria-hidden': 'true' },
    item('key-retire', COLOURS.retire, 'Retired · 删除'),
    item('key-add', COLOURS.add, 'Added · 新增'),
    item('key-change', COLOURS.change, 'Changed · 修改'),
    item('key-pin', COLOURS.pin, 'Comment · 意见'),
  );
}
