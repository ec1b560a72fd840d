// A small MapLibre map for one case (or a new submission): the plan's top-level jurisdictions with their bilingual
// labels, the footprint, the plan features the check found it overlapping, and drawing for a new footprint. It
// reuses the map page's styles, labels, overlay and drawing; nothing here knows which metropolitan area it shows.

import 'maplibre-gl/dist/maplibre-gl.css';
import { LngLatBounds, Map as MapLibreMap, NavigationControl, ScaleControl, type LngLatBoundsLike } from 'maplibre-gl';
import { fetchCollections, fetchItems } from '../api';
import type { CheckResult } from '../check/api';
import { Drawing, type DrawEvents } from '../check/draw';
import { CheckOverlay } from '../check/overlay';
import { eachPosition, emptyBBox, extendPoint, isEmpty, type BBox, type Geometry } from '../geometry';
import { Labels } from '../labels';
import { PlanLayers } from '../layers';
import { text, toPlanLayers, type PlanLayer } from '../model';
import { BACKGROUND } from '../styles';
import { checkUrl } from './api';
import { api, ok } from '../client';
import { FOOTPRINT, OVERLAP } from '../check/colours';
import { el } from '../dom';

export interface Jurisdictions {
  /** The top-level jurisdiction layer (e.g. provinces), loaded; null if the plan has none. */
  layer: PlanLayer | null;
  /** "中文 English" for a jurisdiction id, or null when the plan has no such feature. */
  name(id: string): string | null;
}

let loading: Promise<Jurisdictions> | null = null;

/** The plan's coarsest jurisdictions (the "provinces" collection if there is one), loaded once per page. */
export function loadJurisdictions(): Promise<Jurisdictions> {
  loading ??= (async () => {
    const layers = toPlanLayers(await fetchCollections());
    const top =
      layers.find((l) => l.id === 'provinces') ??
      layers.filter((l) => l.kind === 'jurisdiction').sort((a, b) => a.level - b.level || a.featureCount - b.featureCount)[0] ??
      null;
    const names = new Map<string, string>();
    if (top) {
      top.features = (await fetchItems(top.id)).features;
      top.state = 'ready';
      for (const f of top.features) {
        const p = f.properties ?? {};
        const zh = text(p.nameZh) ?? text(p.name);
        const en = text(p.nameEn);
        const label = [zh, en && en !== zh ? en : null].filter(Boolean).join(' ');
        if (f.id !== undefined && label) names.set(String(f.id), label);
      }
    }
    return { layer: top, name: (id: string) => names.get(id) ?? null };
  })();
  return loading;
}

export class CaseMap {
  readonly map: MapLibreMap;
  private overlay: CheckOverlay | null = null;
  private drawing: Drawing | null = null;
  private overlapRequest: AbortController | null = null;
  readonly loaded: Promise<void>;

  constructor(
    private readonly container: HTMLElement,
    jurisdictions: Jurisdictions,
    drawEvents: DrawEvents | null,
  ) {
    const bounds = jurisdictions.layer?.bbox ?? boundsOf(jurisdictions.layer) ?? ([-180, -60, 180, 75] as BBox);
    this.map = new MapLibreMap({
      container,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }] },
      bounds: bounds as LngLatBoundsLike,
      fitBoundsOptions: { padding: 16 },
      minZoom: 3,
      maxZoom: 15,
      renderWorldCopies: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      attributionControl: false,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new ScaleControl({ unit: 'metric', maxWidth: 100 }), 'bottom-right');
    container.append(key(jurisdictions.layer));
    this.loaded = new Promise<void>((resolve) =>
      this.map.once('load', () => {
        const planLayers = new PlanLayers(this.map);
        const layer = jurisdictions.layer;
        if (layer) {
          planLayers.addPlanLayer(layer);
          const labels = new Labels(this.map);
          labels.addLayer(layer);
          labels.update();
        }
        this.overlay = new CheckOverlay(this.map, planLayers);
        if (drawEvents) this.drawing = new Drawing(this.map, planLayers, drawEvents);
        resolve();
      }),
    );
  }

  get draw(): Drawing | null {
    return this.drawing;
  }

  /** Draws the footprint and brings it into view. */
  async showFootprint(geometry: Geometry | null, fit = true): Promise<void> {
    await this.loaded;
    this.overlay?.setFootprint(geometry);
    if (!geometry || !fit) return;
    const b = emptyBBox();
    eachPosition(geometry, (p) => extendPoint(b, p));
    if (!isEmpty(b)) this.map.fitBounds(new LngLatBounds([b[0], b[1]], [b[2], b[3]]), { padding: 60, maxZoom: 11, duration: 0 });
    // for tests and screenshots: the footprint is drawn once the map is idle
    delete this.container.dataset.ready;
    this.map.once('idle', () => (this.container.dataset.ready = 'true'));
  }

  /**
   * Highlights what the check of a revision overlaps (GET /checks/{id}); resolves with the check, or null when it
   * could not be read (the case view works without it).
   */
  async showOverlaps(checkId: string): Promise<CheckResult | null> {
    await this.loaded;
    this.overlapRequest?.abort();
    const controller = new AbortController();
    this.overlapRequest = controller;
    this.overlay?.clearOverlaps();
    try {
      const check = await ok(() => api.GET('/checks/{checkId}', { params: { path: { checkId } }, signal: controller.signal }), checkUrl(checkId));
      if (controller.signal.aborted) return null;
      void this.overlay?.showOverlaps(check.overlaps ?? [], controller.signal);
      return check;
    } catch {
      return null;
    }
  }

  /** Brings the overlapping features of one collection into view (from the verdict's overlap list). */
  focusOverlap(layer: string): void {
    const b = this.overlay?.overlapBounds(layer);
    if (b) this.overlay?.reveal(b);
  }

  remove(): void {
    this.overlapRequest?.abort();
    this.drawing?.cancel();
    this.map.remove();
  }
}

/** What the colours mean: the footprint, what it overlaps, the jurisdiction boundaries. */
function key(layer: PlanLayer | null): HTMLElement {
  const item = (cls: string, colour: string, fill: string | null, label: string) => {
    const s = el('span', { class: cls }, label);
    s.style.setProperty('--key-colour', colour);
    if (fill) s.style.setProperty('--key-fill', fill);
    return s;
  };
  return el(
    'div',
    { class: 'case-map__key', 'aria-hidden': 'true' },
    item('key-footprint', FOOTPRINT, null, 'Footprint · 用地'),
    item('key-overlap', OVERLAP, 'rgba(194, 24, 91, 0.2)', 'Overlapping plan features · 重叠要素'),
    layer ? item('key-boundary', '#4a5262', null, [layer.titleZh, layer.titleEn].filter(Boolean).join(' · ')) : null,
  );
}

function boundsOf(layer: PlanLayer | null): BBox | null {
  if (!layer) return null;
  const b = emptyBBox();
  for (const f of layer.features) if (f.geometry) eachPosition(f.geometry, (p) => extendPoint(b, p));
  return isEmpty(b) ? null : b;
}
