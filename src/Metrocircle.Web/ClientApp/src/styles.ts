// Cartography: every colour, width and dash the map and its legend use, decided in one place.

import type { Certainty, Properties } from './api';
import type { PlanLayer } from './model';
import { text } from './model';

export const BACKGROUND = '#e6e8eb';
export const LAND = '#fbfaf6';
export const HIGHLIGHT = '#0a84ff';

export const CERTAINTY_LABELS: Record<Certainty, { en: string; zh: string; meaning: string }> = {
  confirmed: { en: 'Confirmed', zh: '已确认', meaning: 'stated by the source; drawn solid' },
  indicative: { en: 'Indicative', zh: '示意', meaning: 'approximate position or outline; drawn dashed or as a ring' },
  synthetic: { en: 'Synthetic', zh: '合成', meaning: 'made up for illustration or tests; drawn dotted and pale' },
};

/** Dash patterns in line widths; null is a solid line. */
export const DASHES: Record<Certainty, number[] | null> = {
  confirmed: null,
  indicative: [3, 2],
  synthetic: [0.8, 2],
};

/** Circles are always dashed (they are zones of influence, not boundaries); less certain ones more finely. */
export const CIRCLE_DASHES: Record<Certainty, number[]> = {
  confirmed: [6, 3],
  indicative: [3, 2.5],
  synthetic: [0.8, 2.5],
};

/** Tableau 10: the fallback for values without a fixed colour. */
const CATEGORICAL = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function categorical(key: string | number): string {
  const i = typeof key === 'number' ? key : hash(key);
  return CATEGORICAL[i % CATEGORICAL.length]!;
}

// Circles, by the plan's circle kind; the nesting order is by area, not by these names.
const CIRCLE_KIND_COLOURS: Record<string, string> = {
  commuting: '#c8553d',
  functional: '#e0a030',
  industrial: '#2a7f8f',
};

export function circleColour(kind: string | null): string {
  return (kind && CIRCLE_KIND_COLOURS[kind.toLowerCase()]) || categorical(kind ?? 'circle');
}

// Spatial-structure elements ("one core, two wings, twin cities, multiple nodes").
const ELEMENTS: Record<string, { colour: string; radius: number; rank: number }> = {
  core: { colour: '#b3001b', radius: 10, rank: 10 },
  wing: { colour: '#e4572e', radius: 8, rank: 9 },
  'twin-city': { colour: '#5c3c92', radius: 8, rank: 8 },
  anchor: { colour: '#00796b', radius: 7, rank: 7 },
  hub: { colour: '#1565c0', radius: 7, rank: 6 },
  node: { colour: '#1f6fb2', radius: 6, rank: 5 },
};

export function elementStyle(element: string | null): { colour: string; radius: number; rank: number } {
  const key = (element ?? '').toLowerCase();
  return ELEMENTS[key] ?? { colour: categorical(key || 'point'), radius: 6, rank: 4 };
}

const CORRIDOR_COLOURS = ['#3949ab', '#c2185b', '#00897b', '#f57c00', '#6d4c41', '#5e35b1'];

export function corridorColour(i: number): string {
  return CORRIDOR_COLOURS[i % CORRIDOR_COLOURS.length]!;
}

export const KEY_AREA_COLOUR = '#8e24aa';

// Control lines: ecological red line (green), permanent farmland (yellow), urban development boundary (red).
const CONTROL_RULES: [RegExp, string][] = [
  [/ecolog|red.?line|红线|生态|protect/i, '#2e7d32'],
  [/farm|crop|agri|农田|耕地/i, '#c9a400'],
  [/urban|town|city|develop|城镇|开发边界/i, '#d32f2f'],
];
const CONTROL_FALLBACK = ['#2e7d32', '#c9a400', '#d32f2f'];

export function controlColour(layer: PlanLayer): string {
  const words = `${layer.subkind} ${layer.id} ${layer.titleEn} ${layer.titleZh}`;
  for (const [re, colour] of CONTROL_RULES) if (re.test(words)) return colour;
  return CONTROL_FALLBACK[layer.indexInKind % CONTROL_FALLBACK.length]!;
}

// Sector plans (kind sector:<sub-kind>): one hue per sector; transport features by mode, so that airports, ports,
// stations and lines read apart on one layer list.
const SECTOR_COLOURS: Record<string, string> = {
  industry: '#b35806',
  transport: '#283593',
  ecology: '#558b2f',
};
const TRANSPORT_MODES: Record<string, { colour: string; radius: number; rank: number }> = {
  airport: { colour: '#283593', radius: 8, rank: 6 },
  port: { colour: '#00838f', radius: 8, rank: 6 },
  station: { colour: '#6a1b9a', radius: 5, rank: 4 },
  rail: { colour: '#37474f', radius: 0, rank: 2 },
  road: { colour: '#8d6e63', radius: 0, rank: 1 },
};

export function sectorColour(layer: PlanLayer): string {
  return SECTOR_COLOURS[layer.subkind] ?? categorical(layer.subkind || layer.id);
}

function sectorStyle(layer: PlanLayer, p: Properties): { colour: string; radius: number; rank: number } {
  const mode = layer.subkind === 'transport' ? TRANSPORT_MODES[text(p.mode) ?? ''] : undefined;
  return mode ?? { colour: sectorColour(layer), radius: 6, rank: 3 };
}

/** The colour of a transport layer in the legend is that of its first mode when all its features share one. */
function sectorLegendColour(layer: PlanLayer): string {
  if (layer.subkind !== 'transport' || layer.tiled) return sectorColour(layer);
  const modes = new Set(layer.features.map((f) => text(f.properties?.mode)));
  const only = modes.size === 1 ? [...modes][0] : null;
  return (only && TRANSPORT_MODES[only]?.colour) || sectorColour(layer);
}

/** Boundary lines of administrative levels: the coarser the level, the darker and thicker. */
export function jurisdictionStyle(level: number, levels: number): { colour: string; width: number; fill: string; fillOpacity: number } {
  const fromFinest = levels - 1 - level; // 0 = finest (counties)
  if (level === 0 && levels > 1) return { colour: '#4a4a5a', width: 2.2, fill: LAND, fillOpacity: 1 };
  if (fromFinest === 0) return { colour: '#a3a3b3', width: 0.6, fill: LAND, fillOpacity: levels > 1 ? 0.01 : 1 };
  return { colour: '#74748a', width: 1.2, fill: LAND, fillOpacity: 0.01 };
}

/** The single colour that stands for a layer in the legend. */
export function layerColour(layer: PlanLayer): string {
  switch (layer.kind) {
    case 'jurisdiction':
      return jurisdictionStyle(layer.level, layer.levels).colour;
    case 'circle':
      return circleColour('commuting');
    case 'corridor':
      return corridorColour(layer.indexInKind);
    case 'structure':
      return elementStyle('core').colour;
    case 'key-area':
      return KEY_AREA_COLOUR;
    case 'control':
      return controlColour(layer);
    case 'sector':
      return sectorLegendColour(layer);
    default:
      return categorical(layer.id);
  }
}

/** Per-feature style values, stored in the feature's properties under _mc_* keys for the map layers. */
export function featureStyle(layer: PlanLayer, p: Properties, index: number): { colour: string; radius: number; rank: number } {
  switch (layer.kind) {
    case 'circle':
      return { colour: circleColour(text(p.kind)), radius: 0, rank: 0 };
    case 'structure':
      return elementStyle(text(p.element) ?? text(p.role));
    case 'corridor':
      return { colour: corridorColour(index), radius: 0, rank: 0 };
    case 'key-area':
      return { colour: KEY_AREA_COLOUR, radius: 0, rank: 0 };
    case 'control':
      return { colour: controlColour(layer), radius: 0, rank: 0 };
    case 'jurisdiction':
      return { colour: jurisdictionStyle(layer.level, layer.levels).colour, radius: 0, rank: 0 };
    case 'sector':
      return sectorStyle(layer, p);
    default: {
      const category = text(p.kind) ?? text(p.category) ?? text(p.type) ?? text(p.element);
      return { colour: category ? categorical(category) : layerColour(layer), radius: 6, rank: 3 };
    }
  }
}

// ---- Legend swatches (inline SVG, so they need no image files) ----

function dashAttr(dash: number[] | null, width: number): string {
  return dash ? ` stroke-dasharray="${dash.map((d) => Math.max(d * width, 1)).join(' ')}"` : '';
}

export function polygonSwatch(fill: string, fillOpacity: number, stroke: string, width: number, dash: number[] | null, hatch = false): string {
  const id = `h${Math.random().toString(36).slice(2, 8)}`;
  const pattern = hatch
    ? `<defs><pattern id="${id}" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="5" stroke="${stroke}" stroke-width="1.6" stroke-opacity="0.6"/></pattern></defs>`
    : '';
  const fillAttr = hatch ? `url(#${id})` : fill;
  return `<svg viewBox="0 0 28 18" width="28" height="18" aria-hidden="true">${pattern}<rect x="2" y="2" width="24" height="14" rx="2" fill="${fillAttr}" fill-opacity="${hatch ? 1 : fillOpacity}" stroke="${stroke}" stroke-width="${width}"${dashAttr(dash, width)}/></svg>`;
}

/** Nested zones, outermost first. */
export function circleSwatch(colours: string[], dash: number[] | null): string {
  const n = Math.max(colours.length, 1);
  const shapes = colours
    .slice(0, 4)
    .map((c, i) => {
      const rx = 12 - (i * 9) / n;
      const ry = 7.5 - (i * 5.5) / n;
      return `<ellipse cx="14" cy="9" rx="${rx}" ry="${ry}" fill="${c}" fill-opacity="0.28" stroke="${c}" stroke-width="1.2"${dashAttr(dash, 1.2)}/>`;
    })
    .join('');
  return `<svg viewBox="0 0 28 18" width="28" height="18" aria-hidden="true">${shapes}</svg>`;
}

export function lineSwatch(colour: string, width: number, dash: number[] | null, casing = false): string {
  const cas = casing ? `<line x1="2" y1="9" x2="26" y2="9" stroke="#fff" stroke-width="${width + 3}" stroke-linecap="round"/>` : '';
  return `<svg viewBox="0 0 28 18" width="28" height="18" aria-hidden="true">${cas}<line x1="3" y1="9" x2="25" y2="9" stroke="${colour}" stroke-width="${width}" stroke-linecap="butt"${dashAttr(dash, width)}/></svg>`;
}

export function pointSwatch(colour: string, certainty: Certainty | null, radius = 6): string {
  const r = Math.min(radius, 7);
  if (certainty === 'confirmed' || certainty === null) {
    return `<svg viewBox="0 0 28 18" width="28" height="18" aria-hidden="true"><circle cx="14" cy="9" r="${r}" fill="${colour}" stroke="#fff" stroke-width="1.5"/></svg>`;
  }
  const opacity = certainty === 'synthetic' ? 0.55 : 1;
  const dot = certainty === 'indicative' ? `<circle cx="14" cy="9" r="${Math.max(r * 0.45, 2)}" fill="${colour}"/>` : '';
  return `<svg viewBox="0 0 28 18" width="28" height="18" aria-hidden="true" opacity="${opacity}"><circle cx="14" cy="9" r="${r}" fill="#fff" stroke="${colour}" stroke-width="2"/>${dot}</svg>`;
}

/** The legend swatch of a whole layer, drawn as its weakest certainty would look. */
export function layerSwatch(layer: PlanLayer): string {
  const c = layer.certainty ?? 'confirmed';
  const colour = layerColour(layer);
  switch (layer.kind) {
    case 'jurisdiction': {
      const s = jurisdictionStyle(layer.level, layer.levels);
      return polygonSwatch(s.fill, 1, s.colour, Math.max(s.width, 1), DASHES[c]);
    }
    case 'circle':
      return circleSwatch(['industrial', 'functional', 'commuting'].map(circleColour), CIRCLE_DASHES[c]);
    case 'key-area':
      return polygonSwatch(colour, 1, colour, 2, DASHES[c], true);
    case 'corridor':
      return lineSwatch(colour, 4, DASHES[c], true);
    case 'structure':
      return pointSwatch(colour, layer.certainty);
    default:
      if (layer.family === 'line') return lineSwatch(colour, 2.5, DASHES[c]);
      if (layer.family === 'point') return pointSwatch(colour, layer.certainty);
      if (layer.family === 'polygon') return polygonSwatch(colour, 0.3, colour, 1.5, DASHES[c]);
      return `<svg viewBox="0 0 28 18" width="28" height="18" aria-hidden="true"><rect x="6" y="3" width="16" height="12" rx="1.5" fill="#fff" stroke="#8a8f98"/><line x1="9" y1="7" x2="19" y2="7" stroke="#8a8f98"/><line x1="9" y1="11" x2="17" y2="11" stroke="#8a8f98"/></svg>`;
  }
}
