// Bilingual labels as HTML markers: the map has no glyph server, so text is laid out by the browser.
// Each label has a zoom range, a priority and a few candidate places; a label goes to the first
// place that overlaps no label of higher priority and no point symbol, or is hidden.

import { Marker, type Map as MapLibreMap } from 'maplibre-gl';
import type { Feature } from './api';
import { edgesAt, family, geometryBBox, pointAlong, representativePoint, type LonLat } from './geometry';
import { featureNames, text, type PlanLayer } from './model';
import { featureStyle } from './styles';

/** Where a label sits relative to its anchor point. */
type Placement = 'center' | 'right' | 'left' | 'above' | 'below';

interface Candidate {
  lngLat: LonLat;
  placement: Placement;
  /** Distance in pixels between the anchor point and the label's near edge. */
  gap: number;
}

interface Label {
  collection: string;
  marker: Marker;
  element: HTMLElement;
  candidates: Candidate[];
  /** The point symbol the label belongs to, as an obstacle for other labels: radius in pixels. */
  symbol: { lngLat: LonLat; radius: number } | null;
  minZoom: number;
  maxZoom: number;
  /** Jurisdiction level: its labels give way once the next finer level's labels appear. */
  level: number | null;
  levels: number;
  priority: number;
  size: [number, number] | null;
  placed: number;
}

type Box = [number, number, number, number];

const PAD = 3;

/** Jurisdiction labels of a level appear once its typical (median) area is this wide on screen. */
const LEVEL_WIDTH_PX = 110;
/** Any polygon's label waits until the polygon itself is this wide on screen. */
const FEATURE_WIDTH_PX = 55;
/** A coarser level's labels stay this many zoom levels after the next finer level's appear. */
const LEVEL_OVERLAP = 0.8;

/** The zoom at which a span of `degrees` of longitude is `px` pixels wide (512-pixel world at zoom 0). */
export function zoomForWidth(degrees: number, px: number): number {
  return degrees > 0 ? Math.log2((px * 360) / (512 * degrees)) : 0;
}

function widthOf(f: Feature): number {
  if (!f.geometry) return 0;
  const b = geometryBBox(f.geometry);
  return Number.isFinite(b[2] - b[0]) ? b[2] - b[0] : 0;
}

function median(values: number[]): number {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  return v.length === 0 ? 0 : v[Math.floor(v.length / 2)]!;
}

export class Labels {
  private readonly labels: Label[] = [];
  private readonly hidden = new Set<string>();
  /** Jurisdiction level → the zoom from which its labels show. */
  private readonly levelMin = new Map<number, number>();
  private frame = 0;

  constructor(private readonly map: MapLibreMap) {
    map.on('move', () => this.schedule());
    map.on('resize', () => this.schedule());
  }

  addLayer(layer: PlanLayer): void {
    const circleX = layer.kind === 'circle' ? sharedCentreX(layer.features) : null;
    let levelMin = 0;
    if (layer.kind === 'jurisdiction' && layer.levels > 1 && layer.level > 0) {
      levelMin = zoomForWidth(median(layer.features.map(widthOf)), LEVEL_WIDTH_PX);
    }
    if (layer.kind === 'jurisdiction') this.levelMin.set(layer.level, levelMin);
    layer.features.forEach((feature, idx) => {
      const spec = labelFor(layer, feature, idx, circleX, levelMin);
      const first = spec?.candidates[0];
      if (!spec || !first) return;
      const element = document.createElement('div');
      element.className = `map-label map-label--${cssName(layer.kind)} ${spec.variant}`;
      element.dataset.collection = layer.id;
      element.dataset.featureId = String(feature.id ?? idx);
      if (spec.colour) element.style.setProperty('--label-colour', spec.colour);
      if (spec.zh) element.append(span('map-label__zh', spec.zh));
      if (spec.en) element.append(span('map-label__en', spec.en));
      const marker = new Marker({ element, anchor: 'center' }).setLngLat(first.lngLat).addTo(this.map);
      // labels are for reading; clicks go through to the features below
      element.removeAttribute('tabindex');
      element.removeAttribute('role');
      element.setAttribute('aria-hidden', 'true');
      this.labels.push({
        collection: layer.id,
        marker,
        element,
        candidates: spec.candidates,
        symbol: spec.symbol,
        minZoom: spec.minZoom,
        maxZoom: spec.maxZoom,
        level: layer.kind === 'jurisdiction' ? layer.level : null,
        levels: layer.levels,
        priority: spec.priority,
        size: null,
        placed: -1,
      });
    });
    this.labels.sort((a, b) => b.priority - a.priority);
    this.schedule();
  }

  setVisible(collection: string, visible: boolean): void {
    if (visible) this.hidden.delete(collection);
    else this.hidden.add(collection);
    this.schedule();
  }

  /** Lays the labels out now (also used before reporting the page ready). */
  update(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const zoom = this.map.getZoom();
    const candidates: Label[] = [];
    for (const l of this.labels) {
      const on = !this.hidden.has(l.collection) && zoom >= l.minZoom && zoom < this.maxZoom(l);
      l.element.classList.toggle('is-hidden', !on);
      if (on) candidates.push(l);
    }
    // measure all newly shown labels in one layout pass
    for (const l of candidates) if (!l.size) l.size = [l.element.offsetWidth, l.element.offsetHeight];

    const canvas = this.map.getCanvas();
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    // point symbols of visible layers are obstacles for every label
    const placed: Box[] = [];
    for (const l of this.labels) {
      if (!l.symbol || this.hidden.has(l.collection)) continue;
      const p = this.map.project(l.symbol.lngLat);
      const r = l.symbol.radius;
      placed.push([p.x - r, p.y - r, p.x + r, p.y + r]);
    }

    for (const l of candidates) {
      const [w, h] = l.size ?? [0, 0];
      let chosen = -1;
      let chosenBox: Box | null = null;
      for (let i = 0; i < l.candidates.length && chosen < 0; i++) {
        const c = l.candidates[i]!;
        const p = this.map.project(c.lngLat);
        const [dx, dy] = offsetFor(c, w, h);
        const box: Box = [p.x + dx - w / 2, p.y + dy - h / 2, p.x + dx + w / 2, p.y + dy + h / 2];
        const onscreen = box[2] > 0 && box[0] < width && box[3] > 0 && box[1] < height;
        if (onscreen && !placed.some((b) => overlaps(box, b))) {
          chosen = i;
          chosenBox = box;
        }
      }
      l.element.classList.toggle('is-collided', chosen < 0);
      if (chosen < 0 || !chosenBox) continue;
      placed.push(chosenBox);
      if (chosen !== l.placed) {
        const c = l.candidates[chosen]!;
        l.marker.setLngLat(c.lngLat).setOffset(offsetFor(c, w, h));
        l.element.dataset.placement = c.placement;
        l.placed = chosen;
      }
    }
  }

  private maxZoom(l: Label): number {
    if (l.level === null || l.level >= l.levels - 1) return l.maxZoom;
    const finer = this.levelMin.get(l.level + 1);
    return finer === undefined ? l.maxZoom : Math.min(l.maxZoom, finer + LEVEL_OVERLAP);
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.update());
  }
}

function overlaps(a: Box, b: Box): boolean {
  return a[0] < b[2] + PAD && a[2] + PAD > b[0] && a[1] < b[3] + PAD && a[3] + PAD > b[1];
}

function offsetFor(c: Candidate, w: number, h: number): [number, number] {
  switch (c.placement) {
    case 'right':
      return [c.gap + w / 2, 0];
    case 'left':
      return [-(c.gap + w / 2), 0];
    case 'above':
      return [0, -(c.gap + h / 2)];
    case 'below':
      return [0, c.gap + h / 2];
    default:
      return [0, 0];
  }
}

interface LabelSpec {
  candidates: Candidate[];
  symbol: { lngLat: LonLat; radius: number } | null;
  zh: string | null;
  en: string | null;
  minZoom: number;
  maxZoom: number;
  priority: number;
  variant: string;
  colour: string | null;
}

function labelFor(layer: PlanLayer, feature: Feature, idx: number, circleX: number | null, levelMin: number): LabelSpec | null {
  const g = feature.geometry;
  if (!g) return null;
  const p = feature.properties ?? {};
  const { zh, en } = featureNames(p);
  if (!zh && !en) return null;
  const fam = family(g.type);
  const style = featureStyle(layer, p, idx);
  const base = { zh, en, symbol: null, variant: '', colour: null as string | null, minZoom: 0, maxZoom: 99 };
  const at = (lngLat: LonLat | null, placement: Placement = 'center', gap = 0): Candidate[] => (lngLat ? [{ lngLat, placement, gap }] : []);

  if (fam === 'point') {
    const point = representativePoint(g);
    if (!point) return null;
    const r = (style.radius || 6) * 1.1;
    return {
      ...base,
      candidates: [...at(point, 'right', r + 5), ...at(point, 'left', r + 5), ...at(point, 'above', r + 2), ...at(point, 'below', r + 2)],
      symbol: { lngLat: point, radius: r + 1 },
      minZoom: layer.kind === 'structure' || layer.featureCount <= 60 ? 0 : 8,
      priority: (layer.kind === 'structure' ? 100 : 45) + style.rank,
      variant: 'map-label--point',
      colour: style.colour,
    };
  }
  if (fam === 'line') {
    const corridor = layer.kind === 'corridor';
    const candidates = [0.5, 0.38, 0.62, 0.27, 0.73].flatMap((t) => at(pointAlong(g, t)));
    return { ...base, candidates, minZoom: corridor ? 0 : 7, priority: corridor ? 90 : 40, variant: 'map-label--line', colour: style.colour };
  }

  const given = labelPointProperty(p);
  const inside = given ?? representativePoint(g);
  const width = widthOf(feature);
  // bigger areas win collisions within a layer
  const bigger = Math.min(0.9, width / 20);
  switch (layer.kind) {
    case 'circle': {
      // nested zones: names stacked on the meridian through the innermost zone, just inside its top
      // edge, else just inside its bottom edge, else in the middle
      const edges = circleX !== null ? edgesAt(g, circleX) : null;
      const candidates = [...(edges ? [...at(edges.top, 'below', 3), ...at(edges.bottom, 'above', 3)] : []), ...at(inside)];
      return { ...base, candidates, priority: 70, variant: 'map-label--zone', colour: style.colour };
    }
    case 'jurisdiction': {
      const finest = layer.level === layer.levels - 1 && layer.levels > 1;
      return {
        ...base,
        candidates: at(inside),
        minZoom: layer.level === 0 ? 0 : Math.max(levelMin, zoomForWidth(width, FEATURE_WIDTH_PX)),
        priority: 60 - layer.level * 10 + bigger,
        variant: `map-label--level-${Math.min(layer.level, 3)}${finest ? ' map-label--finest' : ''}`,
      };
    }
    case 'key-area':
      return { ...base, candidates: at(inside), minZoom: zoomForWidth(width, 40), priority: 80 + bigger, variant: 'map-label--area', colour: style.colour };
    default:
      return { ...base, candidates: at(inside), minZoom: zoomForWidth(width, FEATURE_WIDTH_PX), priority: 30 + bigger, variant: 'map-label--area', colour: style.colour };
  }
}

/** A label point the server supplies: labelPoint ([lon, lat] or a GeoJSON Point) or labelLon/labelLat. */
function labelPointProperty(p: Record<string, unknown>): LonLat | null {
  const lp = p.labelPoint;
  if (Array.isArray(lp) && typeof lp[0] === 'number' && typeof lp[1] === 'number') return [lp[0], lp[1]];
  if (lp && typeof lp === 'object' && 'coordinates' in lp) {
    const c = (lp as { coordinates: unknown }).coordinates;
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') return [c[0], c[1]];
  }
  const lonText = text(p.labelLon);
  const latText = text(p.labelLat);
  const lon = Number(lonText);
  const lat = Number(latText);
  return lonText && latText && Number.isFinite(lon) && Number.isFinite(lat) ? [lon, lat] : null;
}

/** The longitude through the middle of the smallest zone, shared by all zones of a nested set. */
function sharedCentreX(features: Feature[]): number | null {
  let best: { area: number; x: number } | null = null;
  for (const f of features) {
    if (!f.geometry) continue;
    const b = geometryBBox(f.geometry);
    const area = (b[2] - b[0]) * (b[3] - b[1]);
    if (Number.isFinite(area) && (!best || area < best.area)) {
      const point = representativePoint(f.geometry);
      best = { area, x: point ? point[0] : (b[0] + b[2]) / 2 };
    }
  }
  return best?.x ?? null;
}

function span(cls: string, value: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = value;
  return s;
}

export function cssName(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}
