// Metrocircle web map: reads the plan's collections from the OGC API of the same origin and draws
// them by kind on a plain background, with a layer list, bilingual labels and click-to-inspect.

import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';

import { AttributionControl, Map as MapLibreMap, NavigationControl, ScaleControl, type LngLatBoundsLike } from 'maplibre-gl';
import { mountAccount } from './account';
import { ApiError, fetchCollections, fetchItems, fetchLanding, sameOrigin } from './api';
import { CheckPanel } from './check/panel';
import { byId, el } from './dom';
import { emptyBBox, extendBBox, extendPoint, eachPosition, isEmpty, type BBox } from './geometry';
import { showPlanTitle } from './header';
import { Inspector } from './inspect';
import { Labels } from './labels';
import { PlanLayers } from './layers';
import { Legend, certaintyKey } from './legend';
import { isDrawable, text, toPlanLayers, type PlanLayer } from './model';
import { setProgress, setReady, showError } from './status';
import { BACKGROUND } from './styles';
import { shouldTile, sourceLoaded } from './tiled';
import { mountTimeline } from './timeline';

declare global {
  interface Window {
    metrocircle: {
      map: MapLibreMap | null;
      ready: Promise<void>;
      layers: PlanLayer[];
    };
  }
}

/** Beijing–Tianjin–Hebei, used only when the server gives no extents. */
const FALLBACK_BOUNDS: BBox = [113.4, 36.0, 119.9, 42.7];
const PARALLEL_LOADS = 3;

const app: Window['metrocircle'] = { map: null, ready: Promise.resolve(), layers: [] };
window.metrocircle = app;
// browsing the plan needs no account; checking a project does
const account = mountAccount();
app.ready = start();
// the promise is for tests; failures are already on the page and on <body data-error>
app.ready.catch(() => undefined);

async function start(): Promise<void> {
  document.body.dataset.state = 'loading';
  setProgress('Loading the plan… · 正在加载规划');
  let failures: string[];
  try {
    failures = await run();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    showError(e instanceof ApiError ? 'The plan could not be loaded · 规划数据加载失败' : 'The map could not start · 地图无法启动', message, true);
    const list = byId('layer-list');
    if (!list.hasChildNodes()) list.append(el('p', { class: 'layer-list__empty' }, 'No layers: the plan could not be loaded. · 无法加载图层'));
    throw e;
  }
  if (failures.length > 0) {
    // the map shows what did load; each failure is already in the banner and in body[data-error]
    setProgress(null);
    throw new Error(`${failures.length} layer(s) failed: ${failures.join('; ')}`);
  }
  setReady();
}

/** Loads and draws everything; returns the layers that failed. */
async function run(): Promise<string[]> {
  const landingRequest = fetchLanding().catch((e: unknown) => e as Error);
  const collections = await fetchCollections();
  const landing = await landingRequest;
  if (landing instanceof Error) {
    showError('The landing page could not be read', landing.message, false);
  } else {
    showPlanTitle(landing);
  }

  void mountTimeline(byId('version-timeline'));
  const layers = toPlanLayers(collections);
  app.layers = layers;
  const byIdMap = new Map(layers.map((l) => [l.id, l]));

  const map = createMap(initialBounds(layers));
  app.map = map;
  await new Promise<void>((resolve) => map.once('load', () => resolve()));

  const planLayers = new PlanLayers(map);
  const labels = new Labels(map);
  const inspector = new Inspector(map, planLayers, (id) => byIdMap.get(id), byId('map-wrap'));
  const legend = new Legend(byId('layer-list'), layers, {
    toggle(layer, visible) {
      layer.visible = visible;
      planLayers.setVisible(layer.id, visible);
      labels.setVisible(layer.id, visible);
      legend.setVisible(layer);
      if (!visible) inspector.layerHidden(layer.id);
      byId('layer-list').querySelector(`[data-collection="${CSS.escape(layer.id)}"] .record-list`)?.toggleAttribute('hidden', !visible);
    },
    openRecord(layer, index) {
      inspector.show({ layer, index });
    },
  });
  certaintyKey(byId('certainty-key'));
  new CheckPanel(map, planLayers, inspector, byId('check-panel'), (id) => byIdMap.get(id), account);

  let done = 0;
  const failures: string[] = [];
  const progress = () => setProgress(`Loading layers ${done} / ${layers.length} · 正在加载图层`);
  progress();
  // small layers first, so that the map fills in early; records last
  const queue = [...layers].sort((a, b) => Number(!isDrawable(a)) - Number(!isDrawable(b)) || a.featureCount - b.featureCount);
  await eachLimited(queue, PARALLEL_LOADS, async (layer) => {
    layer.state = 'loading';
    legend.update(layer);
    try {
      if (await shouldTile(layer)) {
        // big layers come as vector tiles; "loaded" is the tile source having what the view needs
        layer.tiled = true;
        const source = planLayers.addPlanLayer(layer);
        if (source) await sourceLoaded(map, source);
        layer.state = 'ready';
      } else {
        const data = await fetchItems(layer.id);
        layer.features = data.features;
        layer.state = 'ready';
      }
      if (isDrawable(layer) && !layer.tiled) {
        planLayers.addPlanLayer(layer);
        labels.addLayer(layer);
        labels.setVisible(layer.id, layer.visible);
      }
    } catch (e) {
      layer.state = 'error';
      layer.error = e instanceof Error ? e.message : String(e);
      failures.push(`${layer.id}: ${layer.error}`);
      showError('Some layers could not be loaded · 部分图层加载失败', `${layer.titleEn} (${layer.id}): ${layer.error}`, false);
    }
    legend.update(layer);
    done++;
    progress();
  });

  account.setJurisdictionNames(jurisdictionNames(layers));
  if (layers.every((l) => !l.bbox)) fitToData(map, layers);
  inspector.openFromUrl();
  labels.update();
  setProgress('Drawing… · 正在绘制');
  await rendered(map);
  labels.update();
  return failures;
}

/** "中文 English" for the ids of the loaded jurisdictions, for the account control. */
function jurisdictionNames(layers: PlanLayer[]): (id: string) => string | null {
  const names = new Map<string, string>();
  for (const l of [...layers].filter((x) => x.kind === 'jurisdiction').sort((a, b) => b.level - a.level)) {
    for (const f of l.features) {
      const zh = text(f.properties?.nameZh) ?? text(f.properties?.name);
      const en = text(f.properties?.nameEn);
      if (f.id !== undefined && (zh || en)) names.set(String(f.id), [zh, en !== zh ? en : null].filter(Boolean).join(' '));
    }
  }
  return (id) => names.get(id) ?? null;
}

function createMap(bounds: BBox): MapLibreMap {
  const container = byId('map');
  try {
    const map = new MapLibreMap({
      container,
      style: {
        version: 8,
        name: 'Metrocircle',
        sources: {},
        layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
      },
      bounds: bounds as LngLatBoundsLike,
      fitBoundsOptions: { padding: 24 },
      hash: true,
      minZoom: 3,
      maxZoom: 15,
      maxBounds: padded(bounds, 6),
      renderWorldCopies: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      attributionControl: false,
      // a TileJSON's tile URLs are absolute on the server's idea of its host; fetch them from ours
      transformRequest: (url, type) => (type === 'Tile' || type === 'Source' ? { url: sameOrigin(url) } : { url }),
    });
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.addControl(new ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');
    map.addControl(new AttributionControl({ compact: true, customAttribution: 'Metrocircle · indicative geometry, not survey-grade' }), 'bottom-right');
    map.on('error', (e) => console.error('map error', e.error));
    return map;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`The map needs WebGL, which this browser could not provide (${reason})`);
  }
}

function initialBounds(layers: PlanLayer[]): BBox {
  const b = emptyBBox();
  for (const l of layers) if (l.bbox && isDrawable(l)) extendBBox(b, l.bbox);
  return isEmpty(b) ? FALLBACK_BOUNDS : b;
}

function padded(b: BBox, degrees: number): [[number, number], [number, number]] {
  return [
    [Math.max(-180, b[0] - degrees), Math.max(-85, b[1] - degrees)],
    [Math.min(180, b[2] + degrees), Math.min(85, b[3] + degrees)],
  ];
}

function fitToData(map: MapLibreMap, layers: PlanLayer[]): void {
  const b = emptyBBox();
  for (const l of layers) for (const f of l.features) if (f.geometry) eachPosition(f.geometry, (p) => extendPoint(b, p));
  if (!isEmpty(b)) {
    map.setMaxBounds(padded(b, 6));
    if (!location.hash) map.fitBounds(b as LngLatBoundsLike, { padding: 24, duration: 0 });
  }
}

/** Resolves once the map has drawn everything added so far. */
function rendered(map: MapLibreMap): Promise<void> {
  return new Promise((resolve) => {
    map.once('idle', () => resolve());
    map.triggerRepaint();
  });
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
