// Drawing a footprint on the map without a plug-in: click to add vertices, double-click or Finish to close,
// Backspace to take the last vertex back, Esc to cancel. The draft is drawn in its own overlay layers.

import type { GeoJSONSource, Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import type { Feature as GeoJsonFeature } from 'geojson';
import type { Geometry, LonLat } from '../geometry';
import type { PlanLayers } from '../layers';
import { DRAFT } from './colours';

export type Shape = 'polygon' | 'line' | 'point';

/** How many vertices each shape needs before it can be finished. */
export const MIN_VERTICES: Record<Shape, number> = { polygon: 3, line: 2, point: 1 };

export interface DrawEvents {
  /** After every vertex added or removed, and when drawing starts or stops. */
  changed(): void;
  finished(geometry: Geometry): void;
  cancelled(): void;
}

const SOURCE = 'mc-check-draft';
/** Clicks closer than this (pixels) to the previous vertex add nothing: the two clicks of a double-click. */
const SAME_VERTEX_PX = 4;

export class Drawing {
  private vertices: LonLat[] = [];
  private cursor: LonLat | null = null;
  private shape: Shape = 'polygon';
  private on = false;

  constructor(
    private readonly map: MapLibreMap,
    planLayers: PlanLayers,
    private readonly events: DrawEvents,
  ) {
    map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    planLayers.addOverlay('checkDraft', {
      id: 'mc-check-draft-fill',
      type: 'fill',
      source: SOURCE,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': DRAFT, 'fill-opacity': 0.12 },
    });
    planLayers.addOverlay(
      'checkDraft',
      {
        id: 'mc-check-draft-line',
        type: 'line',
        source: SOURCE,
        filter: ['!=', ['geometry-type'], 'Point'],
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': DRAFT, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
      },
      0.01,
    );
    planLayers.addOverlay(
      'checkDraft',
      {
        id: 'mc-check-draft-vertex',
        type: 'circle',
        source: SOURCE,
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 4.5, 'circle-color': '#ffffff', 'circle-stroke-color': DRAFT, 'circle-stroke-width': 2.2 },
      },
      0.02,
    );
    map.on('click', (e) => this.onClick(e));
    map.on('dblclick', (e) => this.onDoubleClick(e));
    map.on('mousemove', (e) => this.onMove(e));
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  get active(): boolean {
    return this.on;
  }

  get count(): number {
    return this.vertices.length;
  }

  get kind(): Shape {
    return this.shape;
  }

  get canFinish(): boolean {
    return this.on && this.vertices.length >= MIN_VERTICES[this.shape];
  }

  start(shape: Shape): void {
    this.shape = shape;
    this.vertices = [];
    this.cursor = null;
    this.on = true;
    this.map.doubleClickZoom.disable();
    this.map.getCanvas().style.cursor = 'crosshair';
    this.map.getCanvasContainer().classList.add('is-drawing');
    this.redraw();
    this.events.changed();
  }

  /** Closes the drawing; returns null (and keeps drawing) if there are too few vertices. */
  finish(): Geometry | null {
    if (!this.canFinish) return null;
    const geometry = this.geometry();
    this.stop();
    this.events.finished(geometry);
    return geometry;
  }

  cancel(): void {
    if (!this.on) return;
    this.stop();
    this.events.cancelled();
  }

  private stop(): void {
    this.on = false;
    this.vertices = [];
    this.cursor = null;
    this.map.getCanvas().style.cursor = '';
    this.map.getCanvasContainer().classList.remove('is-drawing');
    // the second click of a double-click is still on its way; keep zooming off until it has passed
    setTimeout(() => {
      if (!this.on) this.map.doubleClickZoom.enable();
    }, 400);
    this.redraw();
    this.events.changed();
  }

  private geometry(): Geometry {
    const v = this.vertices.map((p) => [p[0], p[1]]);
    if (this.shape === 'point') return { type: 'Point', coordinates: v[0]! };
    if (this.shape === 'line') return { type: 'LineString', coordinates: v };
    return { type: 'Polygon', coordinates: [[...v, v[0]!]] };
  }

  private onClick(e: MapMouseEvent): void {
    if (!this.on) return;
    const p: LonLat = [e.lngLat.lng, e.lngLat.lat];
    const last = this.vertices[this.vertices.length - 1];
    if (last) {
      const a = this.map.project(last);
      if (Math.hypot(a.x - e.point.x, a.y - e.point.y) < SAME_VERTEX_PX) return;
    }
    this.vertices.push(p);
    this.redraw();
    this.events.changed();
    if (this.shape === 'point') this.finish();
  }

  private onDoubleClick(e: MapMouseEvent): void {
    if (!this.on) return;
    e.preventDefault();
    this.finish();
  }

  private onMove(e: MapMouseEvent): void {
    if (!this.on || this.vertices.length === 0) return;
    this.cursor = [e.lngLat.lng, e.lngLat.lat];
    this.redraw();
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.on) return;
    const target = e.target as HTMLElement | null;
    const typing = !!target && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));
    if (e.key === 'Escape') {
      e.preventDefault();
      this.cancel();
    } else if (e.key === 'Enter' && !typing) {
      e.preventDefault();
      this.finish();
    } else if ((e.key === 'Backspace' || e.key === 'Delete') && !typing && this.vertices.length > 0) {
      e.preventDefault();
      this.vertices.pop();
      this.redraw();
      this.events.changed();
    }
  }

  private redraw(): void {
    const features: GeoJsonFeature[] = [];
    const ring = this.cursor && this.on ? [...this.vertices, this.cursor] : [...this.vertices];
    if (this.shape === 'polygon' && ring.length >= 3) {
      features.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]!]] } });
    } else if (ring.length >= 2 && this.shape !== 'point') {
      features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: ring } });
    }
    for (const v of this.vertices) features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: v } });
    this.map.getSource<GeoJSONSource>(SOURCE)?.setData({ type: 'FeatureCollection', features });
  }
}
