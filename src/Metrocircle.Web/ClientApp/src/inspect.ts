// Click-to-inspect: the feature's names, its layer, a provenance block and every attribute.

import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import type { Feature } from './api';
import type { LonLat } from './geometry';
import { el, linkified, svg } from './dom';
import type { PlanLayers } from './layers';
import { certaintyOf, featureNames, recordSummary, text, type PlanLayer } from './model';
import { CERTAINTY_LABELS, layerSwatch } from './styles';
import { resolveTileFeature, tileHit, tileKey, type TileHit } from './tiled';

export interface Hit {
  layer: PlanLayer;
  /** Index in `layer.features`; -1 for a feature of a tiled layer, which is fetched when shown. */
  index: number;
  tile?: TileHit;
}

/** Properties shown in the provenance block rather than the attribute table. */
const PROVENANCE_KEYS = new Set(['certainty', 'source', 'basis']);

export class Inspector {
  private readonly panel: HTMLElement;
  private current: Hit | null = null;
  /** While something else owns map clicks (drawing a footprint), clicks inspect nothing. */
  suspended = false;
  private pending: AbortController | null = null;

  constructor(
    private readonly map: MapLibreMap,
    private readonly planLayers: PlanLayers,
    private readonly layerById: (id: string) => PlanLayer | undefined,
    host: HTMLElement,
  ) {
    this.panel = el('aside', { id: 'feature-info', class: 'feature-info', role: 'dialog', 'aria-label': 'Feature details', hidden: '' });
    host.append(this.panel);
    map.on('click', (e) => this.onClick(e));
    map.on('mousemove', (e) => {
      if (this.suspended) return;
      map.getCanvas().style.cursor = this.hitsAt(e, 3).length > 0 ? 'pointer' : '';
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
  }

  close(): void {
    this.pending?.abort();
    this.pending = null;
    this.current = null;
    this.panel.hidden = true;
    this.panel.replaceChildren();
    this.planLayers.highlight(null);
    setFeatureParam(null);
  }

  /** Opens the feature named by ?feature=collection/featureId, if the page was opened with one. */
  openFromUrl(): void {
    const wanted = new URLSearchParams(location.search).get(FEATURE_PARAM);
    const slash = wanted?.indexOf('/') ?? -1;
    if (!wanted || slash < 1) return;
    const layer = this.layerById(wanted.slice(0, slash));
    const id = wanted.slice(slash + 1);
    if (layer?.tiled) {
      this.show({ layer, index: -1, tile: { id, properties: {}, lngLat: null, tolerance: 0 } });
      return;
    }
    const index = layer?.features.findIndex((f) => String(f.id) === id) ?? -1;
    if (layer && index >= 0) this.show({ layer, index });
  }

  /** Hides the panel if it shows a feature of a layer that was just switched off. */
  layerHidden(collection: string): void {
    if (this.current?.layer.id === collection) this.close();
  }

  show(hit: Hit, others: Hit[] = []): void {
    this.pending?.abort();
    this.pending = null;
    if (hit.tile) {
      this.showTiled(hit, hit.tile, others);
      return;
    }
    const feature = hit.layer.features[hit.index];
    if (!feature) return;
    this.showFeature(hit, feature, others);
  }

  /** A tiled layer's feature: the panel says it is loading, then shows the whole feature from the Features API. */
  private showTiled(hit: Hit, tile: TileHit, others: Hit[]): void {
    const controller = new AbortController();
    this.pending = controller;
    this.current = hit;
    this.panel.replaceChildren(
      el('header', { class: 'feature-info__head' }, el('div', { class: 'feature-info__layer' }, svg('swatch', layerSwatch(hit.layer)), el('span', { class: 'feature-info__layer-title' }, [hit.layer.titleZh, hit.layer.titleEn].filter(Boolean).join(' · '))), el('p', { class: 'feature-info__loading' }, 'Loading the feature… · 正在加载要素')),
    );
    delete this.panel.dataset.featureId;
    this.panel.dataset.collection = hit.layer.id;
    this.panel.hidden = false;
    resolveTileFeature(hit.layer, tile, controller.signal).then(
      (feature) => {
        if (this.pending !== controller) return;
        this.pending = null;
        this.showFeature(hit, feature, others);
      },
      (e: unknown) => {
        if (this.pending !== controller || controller.signal.aborted) return;
        this.pending = null;
        const message = e instanceof Error ? e.message : String(e);
        this.panel.querySelector('.feature-info__loading')?.replaceWith(el('p', { class: 'feature-info__failed', role: 'alert' }, `The feature could not be loaded: ${message}`));
      },
    );
  }

  private showFeature(hit: Hit, feature: Feature, others: Hit[]): void {
    this.current = hit;
    this.panel.replaceChildren(...this.render(hit.layer, feature, others));
    this.panel.dataset.collection = hit.layer.id;
    this.panel.dataset.featureId = String(feature.id ?? hit.index);
    this.panel.hidden = false;
    this.panel.scrollTop = 0;
    this.planLayers.highlight(feature.geometry);
    setFeatureParam(`${hit.layer.id}/${String(feature.id ?? hit.index)}`);
  }

  private onClick(e: MapMouseEvent): void {
    if (this.suspended) return;
    const hits = this.hitsAt(e, 5);
    const first = hits[0];
    if (first) this.show(first, hits.slice(1));
    else this.close();
  }

  /**
   * Distinct features under the pointer, top-most first: points and lines within a few pixels,
   * areas only under the pointer itself (so that a click near a border picks one side).
   */
  private hitsAt(e: MapMouseEvent, tolerance: number): Hit[] {
    const near: string[] = [];
    const under: string[] = [];
    for (const id of this.planLayers.registered.interactive.keys()) {
      const l = this.map.getLayer(id);
      if (!l || this.map.getLayoutProperty(id, 'visibility') === 'none') continue;
      (l.type === 'fill' ? under : near).push(id);
    }
    const { x, y } = e.point;
    const rendered = [
      ...(near.length > 0
        ? this.map.queryRenderedFeatures(
            [
              [x - tolerance, y - tolerance],
              [x + tolerance, y + tolerance],
            ],
            { layers: near },
          )
        : []),
      ...(under.length > 0 ? this.map.queryRenderedFeatures(e.point, { layers: under }) : []),
    ];
    const seen = new Set<string>();
    const hits: Hit[] = [];
    const lngLat: LonLat = [e.lngLat.lng, e.lngLat.lat];
    // the pointer's tolerance in degrees, for finding a tile feature without an id (512-pixel world at zoom 0)
    const degrees = (tolerance * 360) / (512 * 2 ** this.map.getZoom());
    for (const f of rendered) {
      const collection = this.planLayers.registered.interactive.get(f.layer.id);
      const layer = collection ? this.layerById(collection) : undefined;
      if (layer?.tiled) {
        const tile = tileHit(f, lngLat, degrees);
        const key = tileKey(layer, tile);
        if (seen.has(key)) continue;
        seen.add(key);
        hits.push({ layer, index: -1, tile });
        continue;
      }
      const index = Number(f.properties?._mc_idx);
      if (!layer || !Number.isInteger(index)) continue;
      const key = `${layer.id}/${index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ layer, index });
    }
    return hits;
  }

  private render(layer: PlanLayer, feature: Feature, others: Hit[]): Node[] {
    const p = feature.properties ?? {};
    const { zh, en } = featureNames(p);
    const summary = zh || en ? null : (recordSummary(p) ?? String(feature.id ?? ''));
    const fallback = summary && summary.length > 90 ? `${summary.slice(0, 88).trimEnd()}…` : summary;

    const head = el(
      'header',
      { class: 'feature-info__head' },
      el(
        'div',
        { class: 'feature-info__layer' },
        svg('swatch', layerSwatch(layer)),
        el('span', { class: 'feature-info__layer-title' }, [layer.titleZh, layer.titleEn].filter(Boolean).join(' · ')),
      ),
      el('button', { class: 'feature-info__close', type: 'button', 'aria-label': 'Close', title: 'Close (Esc)' }, '×'),
      zh ? el('h2', { class: 'feature-info__name-zh', lang: 'zh-Hans' }, zh) : null,
      en ? el('p', { class: 'feature-info__name-en', lang: 'en' }, en) : null,
      fallback ? el('h2', { class: 'feature-info__name-en' }, fallback) : null,
    );
    head.querySelector('button')?.addEventListener('click', () => this.close());

    const parts: Node[] = [head, this.provenance(p)];
    parts.push(this.table(feature));
    if (others.length > 0) parts.push(this.others(others));
    return parts;
  }

  private provenance(p: Record<string, unknown>): HTMLElement {
    const c = certaintyOf(p.certainty);
    const label = c ? CERTAINTY_LABELS[c] : null;
    const source = text(p.source);
    const basis = text(p.basis);
    return el(
      'section',
      { class: `provenance provenance--${c ?? 'unknown'}`, 'data-certainty': c ?? 'unknown' },
      el('h3', {}, 'Provenance · 来源'),
      el(
        'div',
        { class: 'provenance__certainty' },
        el('span', { class: `certainty-badge certainty-badge--${c ?? 'unknown'}`, 'data-certainty': c ?? 'unknown' }, label ? `${label.en} · ${label.zh}` : 'Certainty not stated'),
        label ? el('span', { class: 'provenance__meaning' }, label.meaning) : null,
      ),
      el(
        'dl',
        {},
        el('dt', {}, 'Source · 出处'),
        el('dd', { class: 'provenance__source' }, source ? linkified(source) : el('em', {}, 'not given')),
        basis ? el('dt', {}, 'Basis · 依据') : null,
        basis ? el('dd', { class: 'provenance__basis' }, basis) : null,
      ),
    );
  }

  private table(feature: Feature): HTMLElement {
    const rows: HTMLTableRowElement[] = [row('id', feature.id ?? '—')];
    for (const [k, v] of Object.entries(feature.properties ?? {})) {
      if (PROVENANCE_KEYS.has(k)) continue;
      rows.push(row(k, v));
    }
    return el('table', { class: 'feature-props' }, el('caption', {}, 'Attributes · 属性'), el('tbody', {}, ...rows));
  }

  private others(hits: Hit[]): HTMLElement {
    const list = el('ul', {});
    for (const h of hits.slice(0, 10)) {
      const f = h.tile ? { id: h.tile.id ?? undefined, properties: h.tile.properties } : h.layer.features[h.index];
      if (!f) continue;
      const { zh, en } = featureNames(f.properties);
      const name = [zh, en].filter(Boolean).join(' ') || String(f.id ?? (h.index >= 0 ? h.index : unnamed(f.properties)));
      const button = el('button', { type: 'button', class: 'feature-info__other' }, svg('swatch', layerSwatch(h.layer)), el('span', {}, name), el('small', {}, h.layer.titleZh || h.layer.titleEn));
      button.addEventListener('click', () => this.show(h, hits.filter((o) => o !== h)));
      list.append(el('li', {}, button));
    }
    return el('section', { class: 'feature-info__others' }, el('h3', {}, 'Also here · 此处其他要素'), list);
  }
}

/** What to call a tile feature that has neither a name nor an id in the tile. */
function unnamed(p: Record<string, unknown> | null | undefined): string {
  const summary = recordSummary(p);
  if (summary) return summary;
  const ha = Number(p?.areaHa);
  return Number.isFinite(ha) && p?.areaHa !== undefined ? `${ha.toLocaleString('en-US')} ha` : 'Feature · 要素';
}

const FEATURE_PARAM = 'feature';

/** Keeps ?feature= in the address (without reloading) so that a selection can be shared. */
function setFeatureParam(value: string | null): void {
  const url = new URL(location.href);
  if (value === null) url.searchParams.delete(FEATURE_PARAM);
  else url.searchParams.set(FEATURE_PARAM, value);
  // keep the slash of "collection/id" readable
  const href = url.href.replace(/%2F/gi, '/');
  if (href !== location.href) history.replaceState(history.state, '', href);
}

function row(key: string, value: unknown): HTMLTableRowElement {
  const td = el('td', {});
  if (value === null || value === undefined || value === '') {
    td.className = 'is-null';
    td.textContent = '—';
  } else if (typeof value === 'number') {
    td.className = 'is-number';
    td.textContent = Number.isInteger(value) && Math.abs(value) < 10000 ? String(value) : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
  } else if (typeof value === 'string') {
    td.append(linkified(value));
  } else {
    td.className = 'is-json';
    td.textContent = JSON.stringify(value);
  }
  return el('tr', {}, el('th', { scope: 'row' }, key), td);
}
