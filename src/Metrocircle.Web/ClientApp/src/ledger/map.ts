// The ledger's choropleth: the jurisdictions that hold accounts (the plan's jurisdiction layer whose features carry
// the account jurisdictions, read from the OGC API) coloured by the chosen kind and period's available quota in five
// quantile classes; jurisdictions the signed-in person may not see stay grey. A click selects a jurisdiction.
//
// Hooks: #ledger-map[data-ready="true"] once drawn and idle, [data-classes] the class of each jurisdiction as
// "id:class" pairs (class -1: not visible), #ledger-legend.

import 'maplibre-gl/dist/maplibre-gl.css';
import { LngLatBounds, Map as MapLibreMap, NavigationControl, type GeoJSONSource } from 'maplibre-gl';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import type { Feature } from '../api';
import { el } from '../dom';
import { eachPosition, emptyBBox, extendPoint, isEmpty, type Geometry } from '../geometry';
import { BACKGROUND } from '../styles';

export const PALETTE = ['#f1eef6', '#bdc9e1', '#74a9cf', '#2b8cbe', '#045a8d'];
const HIDDEN = '#d7d9dd';
const SOURCE = 'ledger-places';

/** Class breaks: the upper bound of each of the five classes (quantiles of the values). */
export function quantileBreaks(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  return PALETTE.map((_, i) => sorted[Math.min(sorted.length - 1, Math.ceil(((i + 1) * sorted.length) / PALETTE.length) - 1)] as number);
}

export function classOf(value: number, breaks: number[]): number {
  const i = breaks.findIndex((b) => value <= b);
  return i < 0 ? breaks.length - 1 : i;
}

function swatch(colour: string): HTMLElement {
  const s = el('span', { class: 'ledger-legend__swatch' });
  s.style.background = colour;
  return s;
}

const m2 = (v: number) => `${Math.round(v / 10_000).toLocaleString('en')} ha`;

export class LedgerMap {
  private readonly map: MapLibreMap;
  private readonly loaded: Promise<void>;
  onSelect: ((jurisdiction: string) => void) | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly features: Feature[],
  ) {
    const b = emptyBBox();
    for (const f of features) if (f.geometry) eachPosition(f.geometry as Geometry, (p) => extendPoint(b, p));
    this.map = new MapLibreMap({
      container,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }] },
      bounds: isEmpty(b) ? [113, 36, 120, 42.7] : new LngLatBounds([b[0], b[1]], [b[2], b[3]]),
      fitBoundsOptions: { padding: 12 },
      renderWorldCopies: false,
      dragRotate: false,
      pitchWithRotate: false,
      attributionControl: false,
    });
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    this.loaded = new Promise((resolve) =>
      this.map.once('load', () => {
        this.map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
        this.map.addLayer({ id: 'ledger-fill', type: 'fill', source: SOURCE, paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.85 } });
        this.map.addLayer({ id: 'ledger-line', type: 'line', source: SOURCE, paint: { 'line-color': '#5b6470', 'line-width': 0.5 } });
        this.map.addLayer({ id: 'ledger-selected', type: 'line', source: SOURCE, filter: ['==', ['get', 'id'], ''], paint: { 'line-color': '#b3001b', 'line-width': 2.5 } });
        this.map.on('click', 'ledger-fill', (e) => {
          const id = e.features?.[0]?.properties?.id;
          if (typeof id === 'string' && e.features?.[0]?.properties?.visible) this.onSelect?.(id);
        });
        this.map.on('mousemove', 'ledger-fill', () => (this.map.getCanvas().style.cursor = 'pointer'));
        this.map.on('mouseleave', 'ledger-fill', () => (this.map.getCanvas().style.cursor = ''));
        resolve();
      }),
    );
  }

  /** Colours the jurisdictions by value (those without one are not visible to the viewer) and redraws the legend. */
  async show(values: Map<string, number>, what: string): Promise<void> {
    await this.loaded;
    const breaks = quantileBreaks([...values.values()]);
    const classes: string[] = [];
    const data: GeoJsonFeature[] = this.features.filter((f) => f.geometry && f.id !== undefined).map((f) => {
      const id = String(f.id);
      const value = values.get(id);
      const cls = value === undefined ? -1 : classOf(value, breaks);
      classes.push(`${id}:${cls}`);
      return { type: 'Feature', properties: { id, visible: value !== undefined, colour: cls < 0 ? HIDDEN : PALETTE[cls] }, geometry: f.geometry as GeoJsonGeometry };
    });
    delete this.container.dataset.ready;
    this.container.dataset.classes = classes.join(' ');
    this.map.getSource<GeoJSONSource>(SOURCE)?.setData({ type: 'FeatureCollection', features: data });
    this.map.once('idle', () => (this.container.dataset.ready = 'true'));
    const lowest = Math.min(...values.values());
    this.legend.replaceChildren(
      el('span', { class: 'ledger-legend__title' }, what),
      ...breaks.map((upper, i) => el('span', { class: 'ledger-legend__item' }, swatch(PALETTE[i] as string), `${m2(i === 0 ? lowest : (breaks[i - 1] as number))} – ${m2(upper)}`)),
      ...(values.size < this.features.length ? [el('span', { class: 'ledger-legend__item' }, swatch(HIDDEN), 'not yours to see · 无权查看')] : []),
    );
  }

  select(id: string | null): void {
    void this.loaded.then(() => this.map.setFilter('ledger-selected', ['==', ['get', 'id'], id ?? '']));
  }

  remove(): void {
    this.map.remove();
  }
}
