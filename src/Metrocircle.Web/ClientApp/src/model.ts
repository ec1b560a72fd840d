// The client's view of one collection: what the server said about it plus what the page derived.

import type { Certainty, Collection, Feature, Properties } from './api';
import { family, type BBox } from './geometry';

export const CERTAINTIES: readonly Certainty[] = ['confirmed', 'indicative', 'synthetic'];

export type LoadState = 'pending' | 'loading' | 'ready' | 'error';

export interface PlanLayer {
  id: string;
  /** The kind before any ":" (the server says e.g. "control:ecological-redline"). */
  kind: string;
  /** What follows the ":" of the kind, e.g. "ecological-redline"; empty if none. */
  subkind: string;
  titleZh: string;
  titleEn: string;
  description: string;
  geometryType: string;
  family: 'polygon' | 'line' | 'point' | 'none';
  featureCount: number;
  /** The collection offers vector tiles (OGC API – Tiles); big layers are drawn from them. */
  hasTiles: boolean;
  /** Drawn from vector tiles instead of GeoJSON: `features` stays empty and features are fetched when clicked. */
  tiled: boolean;
  certainty: Certainty | null;
  order: number;
  bbox: BBox | null;
  /** 0 = coarsest jurisdiction level (e.g. provinces); only for kind "jurisdiction". */
  level: number;
  /** Number of jurisdiction levels in the plan. */
  levels: number;
  /** Position among the layers of the same kind, for colours of kinds without a fixed palette. */
  indexInKind: number;
  features: Feature[];
  state: LoadState;
  error: string | null;
  visible: boolean;
}

export function certaintyOf(value: unknown): Certainty | null {
  return value === 'confirmed' || value === 'indicative' || value === 'synthetic' ? value : null;
}

export function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function splitTitle(title: string | undefined): [string | null, string | null] {
  // The server's title is "English · 中文"; used only when metrocircle titles are missing.
  if (!title) return [null, null];
  const parts = title.split(' · ');
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    return /[\u3400-\u9fff]/.test(a) ? [a, b] : [b, a];
  }
  return /[\u3400-\u9fff]/.test(title) ? [title, null] : [null, title];
}

const TILESETS_VECTOR = 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector';

function splitKind(value: string | undefined): [string, string] {
  const k = (value ?? 'thematic').toLowerCase().trim();
  const colon = k.indexOf(':');
  return colon > 0 ? [k.slice(0, colon), k.slice(colon + 1)] : [k || 'thematic', ''];
}

export function toPlanLayers(collections: Collection[]): PlanLayer[] {
  const layers = collections.map((c): PlanLayer => {
    const m = c.metrocircle ?? {};
    const [zhFromTitle, enFromTitle] = splitTitle(c.title);
    const rawBox = c.extent?.spatial?.bbox?.[0];
    const bbox =
      rawBox && rawBox.length >= 4 && rawBox.every((v) => Number.isFinite(v))
        ? ((rawBox.length >= 6 ? [rawBox[0], rawBox[1], rawBox[3], rawBox[4]] : rawBox.slice(0, 4)) as BBox)
        : null;
    const geometryType = m.geometryType ?? 'Unknown';
    const [kind, subkind] = splitKind(m.kind);
    return {
      id: c.id,
      kind,
      subkind,
      titleZh: text(m.titleZh) ?? zhFromTitle ?? '',
      titleEn: text(m.titleEn) ?? enFromTitle ?? c.id,
      description: text(c.description) ?? '',
      geometryType,
      family: family(geometryType),
      featureCount: typeof m.featureCount === 'number' ? m.featureCount : 0,
      hasTiles: (c.links ?? []).some((l) => l.rel === TILESETS_VECTOR),
      tiled: false,
      certainty: certaintyOf(m.certainty),
      order: typeof m.order === 'number' ? m.order : 0,
      bbox,
      level: 0,
      levels: 1,
      indexInKind: 0,
      features: [],
      state: 'pending',
      error: null,
      visible: true,
    };
  });

  // Jurisdiction levels: the fewer features, the coarser the level (provinces < cities < counties).
  const jurisdictions = layers
    .filter((l) => l.kind === 'jurisdiction')
    .sort((a, b) => a.featureCount - b.featureCount || b.order - a.order);
  jurisdictions.forEach((l, i) => {
    l.level = i;
    l.levels = jurisdictions.length;
  });

  const seen = new Map<string, number>();
  for (const l of [...layers].sort((a, b) => a.order - b.order)) {
    const n = seen.get(l.kind) ?? 0;
    l.indexInKind = n;
    seen.set(l.kind, n + 1);
  }
  return layers;
}

/** The names a feature is known by, Chinese and English, either may be missing. */
export function featureNames(p: Properties | null | undefined): { zh: string | null; en: string | null } {
  const props = p ?? {};
  let zh = text(props.nameZh) ?? text(props.name_zh) ?? text(props.titleZh);
  let en = text(props.nameEn) ?? text(props.name_en) ?? text(props.titleEn);
  const name = text(props.name) ?? text(props.title);
  if (name && !zh && /[\u3400-\u9fff]/.test(name)) zh = name;
  else if (name && !en && !/[\u3400-\u9fff]/.test(name)) en = name;
  return { zh, en };
}

/** One line that says what a record is, for features without a geometry. */
export function recordSummary(p: Properties | null | undefined): string | null {
  const props = p ?? {};
  const { zh, en } = featureNames(props);
  const statement =
    text(props.statementZh) ?? text(props.statementEn) ?? text(props.statement) ?? text(props.description) ?? text(props.text);
  const main = [zh, en].filter(Boolean).join(' · ') || statement;
  const year = text(props.year);
  if (!main) return year;
  return year && !main.includes(year) ? `${year} — ${main}` : main;
}

export function isDrawable(l: PlanLayer): boolean {
  return l.family !== 'none';
}
