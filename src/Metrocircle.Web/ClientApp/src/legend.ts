// The layer list: one entry per collection, grouped by kind, with swatch, bilingual title,
// feature count, certainty and a toggle. Records (no geometry) list their items instead.

import type { Certainty } from './api';
import { el, svg } from './dom';
import { CERTAINTIES, certaintyOf, featureNames, recordSummary, text, type PlanLayer } from './model';
import {
  CERTAINTY_LABELS,
  CIRCLE_DASHES,
  DASHES,
  circleSwatch,
  elementStyle,
  featureStyle,
  layerSwatch,
  lineSwatch,
  pointSwatch,
  polygonSwatch,
} from './styles';
import { geometryBBox, bboxArea } from './geometry';

interface Group {
  key: string;
  titleEn: string;
  titleZh: string;
  kinds: string[] | null;
}

const GROUPS: Group[] = [
  { key: 'structure', titleEn: 'Plan structure', titleZh: '空间结构', kinds: ['structure', 'corridor', 'key-area', 'circle'] },
  { key: 'control', titleEn: 'Spatial control', titleZh: '空间管控', kinds: ['control'] },
  { key: 'thematic', titleEn: 'Thematic', titleZh: '专题', kinds: null },
  { key: 'jurisdiction', titleEn: 'Administrative divisions', titleZh: '行政区划', kinds: ['jurisdiction'] },
  { key: 'records', titleEn: 'Plan records', titleZh: '规划条目', kinds: [] },
];

const KIND_RANK = ['structure', 'corridor', 'key-area', 'circle', 'control', 'thematic', 'jurisdiction'];

const ELEMENT_NAMES: Record<string, string> = {
  core: '核心 Core',
  wing: '两翼 Wing',
  'twin-city': '双城 Twin city',
  node: '节点 Node',
  anchor: '锚点 Anchor',
  hub: '枢纽 Hub',
};

export interface LegendEvents {
  toggle(layer: PlanLayer, visible: boolean): void;
  openRecord(layer: PlanLayer, index: number): void;
}

function groupOf(layer: PlanLayer): string {
  if (layer.family === 'none') return 'records';
  for (const g of GROUPS) if (g.kinds?.includes(layer.kind)) return g.key;
  return 'thematic';
}

export class Legend {
  private readonly entries = new Map<string, HTMLLIElement>();

  constructor(
    private readonly root: HTMLElement,
    private readonly layers: PlanLayer[],
    private readonly events: LegendEvents,
  ) {
    this.render();
  }

  private render(): void {
    const sections: HTMLElement[] = [];
    for (const g of GROUPS) {
      const members = this.layers
        .filter((l) => groupOf(l) === g.key)
        .sort((a, b) => rank(a) - rank(b) || b.order - a.order || a.id.localeCompare(b.id));
      if (members.length === 0) continue;
      const list = el('ul', { class: 'layer-group__list' });
      for (const layer of members) {
        const entry = this.entry(layer);
        this.entries.set(layer.id, entry);
        list.append(entry);
      }
      sections.push(
        el(
          'section',
          { class: `layer-group layer-group--${g.key}`, 'data-group': g.key },
          el('h2', { class: 'layer-group__title' }, el('span', { class: 'zh', lang: 'zh-Hans' }, g.titleZh), el('span', { class: 'en' }, g.titleEn)),
          list,
        ),
      );
    }
    if (sections.length === 0) sections.push(el('p', { class: 'layer-list__empty' }, 'The plan has no collections.'));
    this.root.replaceChildren(...sections);
  }

  private entry(layer: PlanLayer): HTMLLIElement {
    const checkbox = el('input', { type: 'checkbox', name: `layer-${layer.id}`, 'aria-label': `${layer.titleEn} ${layer.titleZh}`.trim() });
    checkbox.checked = layer.visible;
    checkbox.addEventListener('change', () => this.events.toggle(layer, checkbox.checked));
    const titles = el(
      'span',
      { class: 'layer-entry__titles' },
      layer.titleZh ? el('span', { class: 'zh', lang: 'zh-Hans' }, layer.titleZh) : null,
      el('span', { class: 'en' }, layer.titleEn),
    );
    const count = el('span', { class: 'layer-entry__count', title: 'Number of features' }, formatCount(layer.featureCount));
    const label = el('label', { class: 'layer-entry__main', title: layer.description || undefined }, checkbox, svg('swatch layer-entry__swatch', layerSwatch(layer)), titles, count);
    const li = el(
      'li',
      { class: `layer-entry layer-entry--${layer.kind.replace(/[^a-z0-9-]/g, '-')}`, 'data-collection': layer.id, 'data-kind': layer.kind, 'data-state': layer.state },
      label,
      el('div', { class: 'layer-entry__meta' }, certaintyChip(layer.certainty), el('span', { class: 'layer-entry__status', role: 'status' })),
    );
    if (layer.certainty) li.dataset.certainty = layer.certainty;
    return li;
  }

  /** Reflects a layer's load state, and once loaded its key of colours or its records. */
  update(layer: PlanLayer): void {
    const li = this.entries.get(layer.id);
    if (!li) return;
    li.dataset.state = layer.state;
    const status = li.querySelector<HTMLElement>('.layer-entry__status');
    if (status) {
      status.textContent = layer.state === 'loading' ? 'loading…' : layer.state === 'error' ? `failed: ${layer.error ?? 'unknown error'}` : '';
      status.classList.toggle('is-error', layer.state === 'error');
    }
    if (layer.state !== 'ready') return;
    const count = li.querySelector('.layer-entry__count');
    if (count) count.textContent = formatCount(layer.tiled ? layer.featureCount : layer.features.length);
    li.dataset.source = layer.family === 'none' ? 'records' : layer.tiled ? 'tiles' : 'geojson';
    if (layer.tiled && status) status.textContent = 'vector tiles · 矢量瓦片';
    li.querySelector('.layer-entry__keys, .record-list')?.remove();
    const extra = layer.family === 'none' ? this.records(layer) : keys(layer);
    if (extra) li.append(extra);
    if (layer.kind === 'circle') {
      const swatch = li.querySelector('.layer-entry__swatch');
      if (swatch) swatch.innerHTML = circleSwatch(circlesOutsideIn(layer).map((c) => c.colour), CIRCLE_DASHES[layer.certainty ?? 'confirmed']);
    }
    li.classList.toggle('is-off', !layer.visible);
  }

  setVisible(layer: PlanLayer): void {
    this.entries.get(layer.id)?.classList.toggle('is-off', !layer.visible);
  }

  private records(layer: PlanLayer): HTMLElement | null {
    if (layer.features.length === 0) return null;
    const list = el('ol', { class: 'record-list' });
    layer.features.forEach((f, i) => {
      const summary = recordSummary(f.properties) ?? String(f.id ?? i + 1);
      const button = el('button', { type: 'button', class: 'record-item', 'data-feature-id': String(f.id ?? i) }, summary);
      button.addEventListener('click', () => this.events.openRecord(layer, i));
      list.append(el('li', {}, button));
    });
    return list;
  }
}

function rank(l: PlanLayer): number {
  const i = KIND_RANK.indexOf(l.kind);
  return i < 0 ? KIND_RANK.indexOf('thematic') : i;
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function certaintyChip(c: Certainty | null): HTMLElement | null {
  if (!c) return null;
  const label = CERTAINTY_LABELS[c];
  return el('span', { class: `certainty-chip certainty-chip--${c}`, 'data-certainty': c, title: label.meaning }, `${label.en} · ${label.zh}`);
}

function circlesOutsideIn(layer: PlanLayer): { name: string; colour: string; area: number }[] {
  return layer.features
    .map((f, i) => {
      const { zh, en } = featureNames(f.properties);
      return {
        name: [zh, en].filter(Boolean).join(' ') || String(f.id ?? i),
        colour: featureStyle(layer, f.properties ?? {}, i).colour,
        area: f.geometry ? bboxArea(geometryBBox(f.geometry)) : 0,
      };
    })
    .sort((a, b) => b.area - a.area);
}

/** A small key under a layer for what its colours mean: circle kinds, structure elements, corridors. */
function keys(layer: PlanLayer): HTMLElement | null {
  const items: HTMLElement[] = [];
  const c = layer.certainty ?? 'confirmed';
  if (layer.kind === 'circle') {
    for (const circle of circlesOutsideIn(layer).reverse()) {
      items.push(keyItem(polygonSwatch(circle.colour, 0.3, circle.colour, 1.5, CIRCLE_DASHES[c]), circle.name));
    }
  } else if (layer.kind === 'structure') {
    const counts = new Map<string, { n: number; cert: Certainty }>();
    for (const f of layer.features) {
      const e = text(f.properties?.element) ?? text(f.properties?.role) ?? 'other';
      const prev = counts.get(e);
      const cert = certaintyOf(f.properties?.certainty) ?? 'confirmed';
      counts.set(e, { n: (prev?.n ?? 0) + 1, cert: prev && CERTAINTIES.indexOf(prev.cert) > CERTAINTIES.indexOf(cert) ? prev.cert : cert });
    }
    const sorted = [...counts.entries()].sort((a, b) => elementStyle(b[0]).rank - elementStyle(a[0]).rank);
    for (const [e, { n, cert }] of sorted) {
      const s = elementStyle(e);
      items.push(keyItem(pointSwatch(s.colour, cert, s.radius * 0.75), ELEMENT_NAMES[e] ?? capitalised(e.replace(/-/g, ' ')), n));
    }
  } else if (layer.kind === 'corridor' || (layer.family === 'line' && layer.features.length <= 8)) {
    let lineIndex = 0;
    layer.features.forEach((f) => {
      if (!f.geometry) return;
      const { zh, en } = featureNames(f.properties);
      const colour = featureStyle(layer, f.properties ?? {}, lineIndex++).colour;
      const cert = certaintyOf(f.properties?.certainty) ?? 'confirmed';
      items.push(keyItem(lineSwatch(colour, 3.5, DASHES[cert], true), [zh, en].filter(Boolean).join(' ') || String(f.id)));
    });
  }
  if (items.length === 0) return null;
  return el('ul', { class: 'layer-entry__keys' }, ...items);
}

function keyItem(swatchSvg: string, name: string, count?: number): HTMLLIElement {
  return el('li', {}, svg('swatch', swatchSvg), el('span', { class: 'layer-entry__key-name' }, name), count !== undefined ? el('span', { class: 'layer-entry__key-count' }, String(count)) : null);
}

/** The key to how certainty is drawn, shown once below the layer list. */
export function certaintyKey(root: HTMLElement): void {
  const rows = CERTAINTIES.map((c) => {
    return el(
      'li',
      { 'data-certainty': c },
      el('span', { class: `certainty-badge certainty-badge--${c}` }, `${CERTAINTY_LABELS[c].en} · ${CERTAINTY_LABELS[c].zh}`),
      svg('swatch', lineSwatch('#5a6170', 2, DASHES[c])),
      svg('swatch', pointSwatch('#1f6fb2', c)),
      el('span', { class: 'certainty-key__meaning' }, CERTAINTY_LABELS[c].meaning),
    );
  });
  root.replaceChildren(el('h2', { class: 'layer-group__title' }, el('span', { class: 'zh' }, '确定性'), el('span', { class: 'en' }, 'Certainty of geometry')), el('ul', { class: 'certainty-key' }, ...rows));
}
