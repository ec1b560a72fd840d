// Writes the development fixtures: a small, made-up metropolitan area ("Demo Bay") with every layer
// kind the page knows, and a "failing" set whose items are missing. Not part of the build.
//   node dev-fixtures/make-fixtures.mjs
//   npm run dev -- --mode fixtures                                  (the demo set)
//   METROCIRCLE_FIXTURES=failing npm run dev -- --mode fixtures      (layer errors)

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = 'Synthetic test data made for the Metrocircle web page; no real plan';
const round = (v) => Math.round(v * 1e5) / 1e5;

function rect(x0, y0, x1, y1) {
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].map((p) => p.map(round))] };
}

function disc(cx, cy, rKm, n = 48) {
  const ring = [];
  for (let i = 0; i <= n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring.push([round(cx + (rKm / (111.32 * Math.cos((cy * Math.PI) / 180))) * Math.cos(a)), round(cy + (rKm / 110.57) * Math.sin(a))]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

function blob(cx, cy, r, wobble, seed) {
  const ring = [];
  for (let i = 0; i <= 24; i++) {
    const a = (2 * Math.PI * (i % 24)) / 24;
    const k = 1 + wobble * Math.sin(seed + a * 3) * Math.cos(seed * 2 + a * 2);
    ring.push([round(cx + r * k * Math.cos(a) * 1.3), round(cy + r * k * Math.sin(a))]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

const feature = (id, geometry, properties, certainty = 'synthetic', basis) => ({
  type: 'Feature',
  id,
  geometry,
  properties: { ...properties, certainty, source: SOURCE, ...(basis ? { basis } : {}) },
});

const layers = [];
function layer(id, kind, titleZh, titleEn, geometryType, order, features, description) {
  layers.push({ id, kind, titleZh, titleEn, geometryType, order, features, description: description ?? `${titleEn} of the made-up Demo Bay area.` });
}

// Jurisdictions: two regions split at 9.0°E, eight districts on a grid
layer('regions', 'jurisdiction', '省级区域', 'Regions', 'Polygon', 12, [
  feature('west', rect(8.0, 47.0, 9.0, 48.4), { name: '西州', nameZh: '西州', nameEn: 'West Region', level: 'province' }, 'indicative', 'Straight lines instead of real boundaries.'),
  feature('east', rect(9.0, 47.0, 10.2, 48.4), { name: '东州', nameZh: '东州', nameEn: 'East Region', level: 'province' }, 'indicative', 'Straight lines instead of real boundaries.'),
]);
const districts = [];
const names = [['北湾区', 'Beiwan'], ['南湾区', 'Nanwan'], ['西山县', 'Xishan'], ['东港区', 'Donggang'], ['临湖县', 'Linhu'], ['新城区', 'Xincheng'], ['河口县', 'Hekou'], ['高原县', 'Gaoyuan']];
for (let i = 0; i < 8; i++) {
  const col = i % 4;
  const row = Math.floor(i / 4);
  const xs = [8.0, 8.5, 9.0, 9.6, 10.2];
  const [zh, en] = names[i];
  districts.push(
    feature(`d${i + 1}`, rect(xs[col], 47.0 + row * 0.7, xs[col + 1], 47.7 + row * 0.7), { name: zh, nameZh: zh, nameEn: en, level: 'county', code: null, labelLon: (xs[col] + xs[col + 1]) / 2, labelLat: 47.35 + row * 0.7 }, 'indicative', 'Grid cells.'),
  );
}
layer('districts', 'jurisdiction', '区县', 'Districts', 'Polygon', 10, districts);

layer('zones', 'circle', '圈层', 'Nested zones', 'Polygon', 20, [
  feature('outer', disc(9.05, 47.72, 60), { kind: 'functional', nameZh: '功能圈', nameEn: 'Functional zone', radiusKm: 60, statedAreaKm2: null }, 'indicative', 'A circle of the stated radius.'),
  feature('inner', disc(9.05, 47.72, 28), { kind: 'commuting', nameZh: '通勤圈', nameEn: 'Commuting zone', radiusKm: 28, statedAreaKm2: 2500 }, 'confirmed'),
]);

layer('links', 'corridor', '走廊', 'Corridors', 'LineString', 30, [
  feature('bay-line', { type: 'LineString', coordinates: [[8.3, 47.3], [8.8, 47.55], [9.05, 47.72], [9.6, 47.95], [10.0, 48.2]] }, { nameZh: '湾区走廊', nameEn: 'Bay corridor', from: 'Xishan', to: 'Gaoyuan', lengthKm: 180 }, 'confirmed'),
  feature('lake-line', { type: 'LineString', coordinates: [[9.05, 47.72], [9.2, 47.3], [9.5, 47.1]] }, { nameZh: '临湖走廊', nameEn: 'Lakeside corridor', from: 'Centre', to: 'Linhu', lengthKm: 80 }, 'synthetic'),
]);

layer('nodes', 'structure', '空间结构', 'Core and nodes', 'Point', 40, [
  feature('core', { type: 'Point', coordinates: [9.05, 47.72] }, { element: 'core', nameZh: '中心城', nameEn: 'Central city', role: 'The core' }, 'confirmed'),
  feature('n1', { type: 'Point', coordinates: [8.4, 47.35] }, { element: 'node', nameZh: '西山', nameEn: 'Xishan node', role: 'Node' }, 'indicative', 'Approximate.'),
  feature('n2', { type: 'Point', coordinates: [9.85, 48.1] }, { element: 'node', nameZh: '高原', nameEn: 'Gaoyuan node', role: 'Node' }, 'indicative', 'Approximate.'),
  feature('twin', { type: 'Point', coordinates: [9.7, 47.45] }, { element: 'twin-city', nameZh: '东港', nameEn: 'Donggang', role: 'Twin city' }, 'synthetic'),
  feature('gate', { type: 'Point', coordinates: [8.6, 48.15] }, { element: 'gateway', nameZh: '北门', nameEn: 'North gate', role: 'An element the page has no colour for' }, 'synthetic'),
]);

layer('focus', 'key-area', '重点地区', 'Key areas', 'Polygon', 35, [
  feature('harbour', rect(9.3, 47.55, 9.65, 47.8), { nameZh: '港区', nameEn: 'Harbour district', statedAreaKm2: 700 }, 'confirmed'),
]);

layer('eco-red-line', 'control', '生态保护红线', 'Ecological protection red line', 'Polygon', 50, [
  feature('forest', blob(8.35, 48.05, 0.16, 0.25, 1), { nameZh: '北山林地', nameEn: 'North hills forest' }),
  feature('wetland', blob(9.95, 47.2, 0.1, 0.3, 2), { nameZh: '湿地', nameEn: 'Wetland' }),
]);
layer('farmland', 'control', '永久基本农田', 'Permanent basic farmland', 'Polygon', 51, [
  feature('f1', blob(8.55, 47.55, 0.12, 0.2, 3), { nameZh: '西部农田', nameEn: 'West farmland' }),
  feature('f2', blob(9.6, 48.15, 0.1, 0.3, 4), { nameZh: '北部农田', nameEn: 'North farmland' }),
]);
layer('urban-boundary', 'control', '城镇开发边界', 'Urban development boundary', 'Polygon', 52, [
  feature('ub', blob(9.05, 47.72, 0.13, 0.15, 5), { nameZh: '中心城开发边界', nameEn: 'Central city boundary' }),
]);
layer('stations', 'thematic', '轨道站点', 'Rail stations', 'Point', 60, [
  feature('s1', { type: 'Point', coordinates: [8.8, 47.55] }, { nameZh: '西站', nameEn: 'West station', type: 'rail' }),
  feature('s2', { type: 'Point', coordinates: [9.6, 47.95] }, { nameZh: '东站', nameEn: 'East station', type: 'rail' }),
]);
layer('goals', 'record', '目标', 'Goals', 'None', 90, [
  { type: 'Feature', id: 'g2030', geometry: null, properties: { year: 2030, statementEn: 'A made-up goal for 2030.', certainty: 'synthetic', source: SOURCE } },
  { type: 'Feature', id: 'g2035', geometry: null, properties: { year: 2035, statementEn: 'A made-up goal for 2035.', certainty: 'synthetic', source: SOURCE } },
]);

function bboxOf(features) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(visit);
  };
  features.forEach((f) => f.geometry && visit(f.geometry.coordinates));
  return Number.isFinite(b[0]) ? b : null;
}

const weakest = (features) => ['synthetic', 'indicative', 'confirmed'].find((c) => features.some((f) => f.properties.certainty === c));

function write(set, file, value) {
  const path = join(here, set, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value) + '\n');
}

const landing = {
  title: 'Demo Bay Metropolitan Area Plan (synthetic) · 演示湾都市圈规划（合成数据）',
  description: 'A made-up plan for developing the Metrocircle web page. Nothing in it is real.',
  metrocircle: { planId: 'demo-bay', titleZh: '演示湾都市圈规划（合成数据）', titleEn: 'Demo Bay Metropolitan Area Plan (synthetic)', planVersion: 'demo-bay@2026-01-01', versionLabel: 'Development fixture', effectiveFrom: '2026-01-01' },
  links: [],
};

const collections = (extra = []) => ({
  links: [],
  collections: [...layers, ...extra].map((l) => {
    const bbox = bboxOf(l.features);
    return {
      id: l.id,
      title: `${l.titleEn} · ${l.titleZh}`,
      description: l.description,
      itemType: 'feature',
      ...(bbox ? { extent: { spatial: { bbox: [bbox] } } } : {}),
      links: [],
      metrocircle: { kind: l.kind, titleZh: l.titleZh, titleEn: l.titleEn, geometryType: l.geometryType, featureCount: l.features.length, certainty: weakest(l.features), order: l.order },
    };
  }),
});

write('demo', 'landing.json', landing);
write('demo', 'collections.json', collections());
for (const l of layers) {
  write('demo', `items/${l.id}.json`, { type: 'FeatureCollection', numberMatched: l.features.length, numberReturned: l.features.length, features: l.features, links: [] });
}

// "failing": only its own collections.json, listing one more collection whose items do not exist;
// every other file falls back to the demo set
write('failing', 'collections.json', collections([{ id: 'missing', kind: 'thematic', titleZh: '缺失图层', titleEn: 'A layer whose items are missing', geometryType: 'Polygon', order: 70, features: [] }]));
console.log(`wrote ${layers.length} layers to dev-fixtures/demo and dev-fixtures/failing`);
