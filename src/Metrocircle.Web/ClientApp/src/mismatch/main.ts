// The spatial-mismatch view: a choropleth of one county measure of GET /mismatch?year= over the counties layer, lines
// for the largest cross-province commutes (width by trips), and the findings with their values, thresholds and basis.
//
// Hooks: body[data-state] (loading | ready | signed-out | error), #mm-map[data-drawn], #mm-findings rows (a project
// finding's first place is a case: a.mm-case links to it on the cases page).

import 'maplibre-gl/dist/maplibre-gl.css';
import { Map as MapLibreMap, type ExpressionSpecification, type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { mountAccount } from '../account';
import '../app.css';
import './mismatch.css';

interface Figures {
  id: string;
  name: string;
  jobsHousingRatio: number | null;
  selfContainment: number | null;
  crossProvinceShare: number | null;
  meanCommuteKm: number | null;
  urbanLandPerResidentM2: number | null;
  [key: string]: unknown;
}
interface Place { id: string; name: string; lon: number; lat: number }
interface Flow { origin: string; destination: string; trips: number; km: number }
interface Finding { kind: string; places: string[]; value: number | null; threshold: number | null; basis: string; status: string; message: string }
interface Report { year: number; version: string; synthetic: boolean; findings: Finding[]; counties: Figures[]; places: Place[]; crossProvinceFlows: Flow[]; flows: number }

class HttpError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new HttpError(problem.detail ?? `${url}: HTTP ${response.status}`, response.status);
  }
  return (await response.json()) as T;
}

const RAMP = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const map = new MapLibreMap({
  container: 'mm-map',
  style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } }] },
  bounds: [113.4, 36.0, 119.9, 42.7] as LngLatBoundsLike,
  attributionControl: false,
  dragRotate: false,
});
// Test hook: the map itself, so a browser test can ask MapLibre what the choropleth paints and renders.
Object.assign(window, { mismatchMap: map });
const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));
let counties: FeatureCollection | null = null;
let report: Report | null = null;

/** Quantile breaks of the values present (five classes). */
/** Quintile breaks, each once: a step expression needs strictly ascending stops, and many equal values repeat a quintile. */
function breaks(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return [...new Set([1, 2, 3, 4].map((i) => sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / 5))] ?? 0))];
}

function draw(): void {
  if (!counties || !report) return;
  const measure = byId<HTMLSelectElement>('mm-measure').value;
  const figures = new Map(report.counties.map((c) => [c.id, c]));
  const values: number[] = [];
  const features = counties.features.map((f): Feature => {
    const v = figures.get(String(f.id))?.[measure];
    if (typeof v === 'number') values.push(v);
    return { ...f, properties: { ...(f.properties ?? {}), value: typeof v === 'number' ? v : null } };
  });
  const cuts = breaks(values);
  (map.getSource('counties') as GeoJSONSource).setData({ type: 'FeatureCollection', features });
  const ramp = RAMP.slice(0, cuts.length + 1);
  map.setPaintProperty('counties-fill', 'fill-color', [
    'case', ['==', ['get', 'value'], null], '#dddddd',
    ['step', ['get', 'value'], ramp[0], ...cuts.flatMap((cut, i) => [cut, ramp[i + 1]])],
  ] as ExpressionSpecification);
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  const limits = [Math.min(...values), ...cuts, Math.max(...values)];
  byId('mm-legend').replaceChildren(...ramp.map((colour, i) => {
    const row = document.createElement('div');
    const swatch = document.createElement('span');
    swatch.style.background = colour;
    row.append(swatch, `${fmt(limits[i] ?? 0)} – ${fmt(limits[i + 1] ?? 0)}`);
    return row;
  }), Object.assign(document.createElement('div'), { textContent: '— cross-province commutes (width: trips)' }));
}

function flowLines(r: Report): FeatureCollection {
  const at = new Map(r.places.map((p) => [p.id, p]));
  const max = Math.max(1, ...r.crossProvinceFlows.map((f) => f.trips));
  return {
    type: 'FeatureCollection',
    features: r.crossProvinceFlows.filter((f) => at.has(f.origin) && at.has(f.destination)).map((f) => ({
      type: 'Feature',
      properties: { trips: f.trips, width: 1 + (7 * f.trips) / max },
      geometry: { type: 'LineString', coordinates: [[at.get(f.origin)!.lon, at.get(f.origin)!.lat], [at.get(f.destination)!.lon, at.get(f.destination)!.lat]] } as Geometry,
    })),
  };
}

/** Findings whose first place is a project (a case id), the rest its county. */
const PROJECT_KINDS = new Set(['industry-outside-belts', 'housing-far-from-rail']);

/** The places of a finding: counties by name; a project's case as a link to it, then "in" its county. */
function placesCell(f: Finding, names: Map<string, string>): HTMLTableCellElement {
  const cell = document.createElement('td');
  const [first, ...rest] = f.places;
  if (PROJECT_KINDS.has(f.kind) && first !== undefined) {
    const link = Object.assign(document.createElement('a'), { href: `./cases.html#${encodeURIComponent(first)}`, textContent: `case ${first}`, className: 'mm-case' });
    cell.append(link, rest.length ? ` in ${rest.map((p) => names.get(p) ?? p).join(', ')}` : '');
    return cell;
  }
  cell.textContent = f.places.map((p) => names.get(p) ?? p).join(', ');
  return cell;
}

function findings(r: Report): void {
  const names = new Map(r.places.map((p) => [p.id, p.name]));
  const body = byId('mm-findings').querySelector('tbody')!;
  body.replaceChildren(...r.findings.map((f) => {
    const row = document.createElement('tr');
    row.className = f.status;
    row.dataset.kind = f.kind;
    const cell = (text: string) => Object.assign(document.createElement('td'), { textContent: text });
    row.title = f.message;
    row.append(cell(f.kind), placesCell(f, names), cell(f.value === null ? '—' : String(f.value)), cell(f.threshold === null ? '—' : String(f.threshold)),
      cell(f.status === 'finding' ? f.basis : f.message));
    return row;
  }));
}

let runs = 0;
async function load(): Promise<void> {
  const run = ++runs;
  const status = byId('mm-status');
  const year = byId<HTMLInputElement>('mm-year').value;
  document.body.dataset.state = 'loading';
  byId('mm-sign-in').hidden = true;
  try {
    const [r, c] = await Promise.all([
      json<Report>(`./mismatch?year=${encodeURIComponent(year)}`),
      counties ? Promise.resolve(counties) : json<FeatureCollection>('./collections/counties/items?f=json&limit=1000'),
    ]);
    if (run !== runs) return;
    report = r;
    counties = c;
    await loaded;
    map.resize(); // the map was hidden while signed out
    if (!map.getSource('counties')) {
      map.addSource('counties', { type: 'geojson', data: c });
      map.addLayer({ id: 'counties-fill', type: 'fill', source: 'counties', paint: { 'fill-color': '#ddd', 'fill-opacity': 0.85 } });
      map.addLayer({ id: 'counties-line', type: 'line', source: 'counties', paint: { 'line-color': '#888', 'line-width': 0.4 } });
      map.addSource('flows', { type: 'geojson', data: flowLines(r) });
      map.addLayer({ id: 'flows', type: 'line', source: 'flows', paint: { 'line-color': '#c62828', 'line-opacity': 0.75, 'line-width': ['get', 'width'] } });
    } else {
      (map.getSource('flows') as GeoJSONSource).setData(flowLines(r));
    }
    draw();
    findings(r);
    map.once('idle', () => { byId('mm-map').dataset.drawn = 'true'; });
    byId('mm-synthetic').hidden = !r.synthetic;
    const count = r.findings.filter((f) => f.status === 'finding').length;
    status.textContent = `${r.year}, plan version ${r.version}: ${r.flows} flows, ${count} findings`;
    document.body.dataset.state = 'ready';
  } catch (error) {
    if (run !== runs) return;
    if (error instanceof HttpError && error.status === 401) {
      status.textContent = `Sign in to see the analysis (${error.message}).`;
      byId('mm-sign-in').hidden = false;
      document.body.dataset.state = 'signed-out';
      return;
    }
    status.textContent = `The analysis could not be loaded: ${(error as Error).message}`;
    document.body.dataset.state = 'error';
  }
}

const account = mountAccount();
byId('mm-measure').addEventListener('change', draw);
byId('mm-year').addEventListener('change', () => void load());
byId('mm-sign-in-button').addEventListener('click', () => account.open('Sign in to see the analysis. · 登录后查看分析'));
void account.ready.then(() => {
  account.onChange(() => void load());
  void load();
});
