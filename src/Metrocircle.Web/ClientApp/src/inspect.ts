// Click-to-inspect: the feature's names, its layer, a provenance block and every attribute.

import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import type { Feature } from './api';
import { el, linkified, svg } from './dom';
import type { PlanLayers } from './layers';
import { certaintyOf, featureNames, recordSummary, text, type PlanLayer } from './model';
import { CERTAINTY_LABELS, layerSwatch } from './styles';

export interface Hit {
  layer: PlanLayer;
  index: number;
}

/** Properties shown in the provenance block rather than the attribute table. */
const PROVENANCE_KEYS = new Set(['certainty', 'source', 'basis']);

export class Inspector {
  private readonly panel: HTMLElement;
  private current: Hit | null = null;

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
      map.getCanvas().style.cursor = this.hitsAt(e, 3).length > 0 ? 'pointer' : '';
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
  }

  close(): void {
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
    const index = layer?.features.findIndex((f) => String(f.id) === id) ?? -1;
    if (layer && index >= 0) this.show({ layer, index });
  }

  /** Hides the panel if it shows a feature of a layer that was just switched off. */
  layerHidden(collection: string): void {
    if (this.current?.layer.id === collection) this.close();
  }

  show(hit: Hit, others: Hit[] = []): void {
    const feature = hit.layer.features[hit.index];
    if (!feature) return;
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
    for (const f of rendered) {
      const collection = this.planLayers.registered.interactive.get(f.layer.id);
      const index = Number(f.properties?._mc_idx);
      const layer = collection ? this.layerById(collection) : undefined;
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
      const f = h.layer.features[h.index];
      if (!f) continue;
      const { zh, en } = featureNames(f.properties);
      const name = [zh, en].filter(Boolean).join(' ') || String(f.id ?? h.index);
      const button = el('button', { type: 'button', class: 'feature-info__other' }, svg('swatch', layerSwatch(h.layer)), el('span', {}, name), el('small', {}, h.layer.titleZh || h.layer.titleEn));
      button.addEventListener('click', () => this.show(h, hits.filter((o) => o !== h)));
      list.append(el('li', {}, button));
    }
    return el('section', { class: 'feature-info__others' }, el('h3', {}, 'Also here · 此处其他要素'), list);
  }
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
