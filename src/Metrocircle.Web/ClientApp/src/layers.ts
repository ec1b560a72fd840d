// Turns each plan layer into MapLibre sources and style layers, stacked by kind whatever order they load in.

import type {
  CircleLayerSpecification,
  DataDrivenPropertyValueSpecification,
  ExpressionSpecification,
  FillLayerSpecification,
  GeoJSONSource,
  LayerSpecification,
  SourceSpecification,
  LineLayerSpecification,
  Map as MapLibreMap,
} from 'maplibre-gl';
import type { Feature as GeoJsonFeature, FeatureCollection as GeoJsonCollection, Geometry as GeoJsonGeometry } from 'geojson';
import { tileJsonUrl, type Certainty, type Feature } from './api';
import { bboxArea, geometryBBox, type Geometry } from './geometry';
import { CERTAINTIES, certaintyOf, type PlanLayer } from './model';
import { CIRCLE_DASHES, DASHES, HIGHLIGHT, featureStyle, jurisdictionStyle, layerColour } from './styles';

const POLYGONS: ExpressionSpecification = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
const LINES: ExpressionSpecification = ['in', ['geometry-type'], ['literal', ['LineString', 'MultiLineString']]];
const POINTS: ExpressionSpecification = ['in', ['geometry-type'], ['literal', ['Point', 'MultiPoint']]];

/** Stacking slots, bottom to top. Fills of every kind sit below every boundary line and point. */
const SLOT = {
  jurisdictionFill: 100,
  controlFill: 200,
  otherFill: 300,
  circleFill: 400,
  keyAreaFill: 500,
  jurisdictionLine: 600,
  circleLine: 700,
  otherLine: 750,
  keyAreaLine: 800,
  lines: 850,
  corridorCasing: 900,
  corridorLine: 910,
  points: 960,
  checkOverlap: 970,
  checkFootprint: 980,
  checkDraft: 985,
  highlight: 990,
} as const;

/** The slots above the plan that other features (the project check) draw in. */
export type OverlaySlot = 'checkOverlap' | 'checkFootprint' | 'checkDraft';

const HATCH_IMAGE = 'mc-hatch';
const HIGHLIGHT_SOURCE = 'mc-highlight';

export interface Registered {
  /** Map layer id → collection id, for the layers a click can hit. */
  interactive: Map<string, string>;
  /** Collection id → all its map layer ids. */
  byCollection: Map<string, string[]>;
}

/** Keeps the plan's map layers in their slots and remembers which belong to which collection. */
export class PlanLayers {
  readonly registered: Registered = { interactive: new Map(), byCollection: new Map() };
  private readonly slots: { id: string; slot: number }[] = [];

  constructor(private readonly map: MapLibreMap) {
    addHatchImage(map);
    map.addSource(HIGHLIGHT_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    this.add(null, SLOT.highlight, { id: 'mc-highlight-fill', type: 'fill', source: HIGHLIGHT_SOURCE, filter: POLYGONS, paint: { 'fill-color': HIGHLIGHT, 'fill-opacity': 0.12 } });
    this.add(null, SLOT.highlight + 0.1, {
      id: 'mc-highlight-line',
      type: 'line',
      source: HIGHLIGHT_SOURCE,
      filter: ['!', POINTS],
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': HIGHLIGHT, 'line-width': 3, 'line-opacity': 0.9 },
    });
    this.add(null, SLOT.highlight + 0.2, {
      id: 'mc-highlight-point',
      type: 'circle',
      source: HIGHLIGHT_SOURCE,
      filter: POINTS,
      paint: { 'circle-radius': 15, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': HIGHLIGHT, 'circle-stroke-width': 3 },
    });
  }

  highlight(geometry: Geometry | null): void {
    const source = this.map.getSource<GeoJSONSource>(HIGHLIGHT_SOURCE);
    source?.setData({
      type: 'FeatureCollection',
      features: geometry ? [{ type: 'Feature', properties: {}, geometry: geometry as GeoJsonGeometry }] : [],
    });
  }

  /** Adds a style layer that belongs to no collection (never inspectable) in one of the overlay slots. */
  addOverlay(slot: OverlaySlot, spec: LayerSpecification, offset = 0): void {
    this.add(null, SLOT[slot] + offset, spec, false);
  }

  setVisible(collection: string, visible: boolean): void {
    for (const id of this.registered.byCollection.get(collection) ?? []) {
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    }
  }

  /**
   * Adds a plan layer to the map: a loaded one from its GeoJSON, a tiled one (`layer.tiled`) as a vector source on
   * the collection's TileJSON. Layers without geometry are not drawn. Returns the source id.
   */
  addPlanLayer(layer: PlanLayer): string | null {
    if (layer.family === 'none') return null;
    const sourceId = `mc:${layer.id}`;
    const source: SourceSpecification = layer.tiled
      ? { type: 'vector', url: tileJsonUrl(layer.id), attribution: '' }
      : { type: 'geojson', data: toMapData(layer), attribution: '' };
    this.map.addSource(sourceId, source);
    const present = layer.tiled
      ? new Set<Certainty>(CERTAINTIES)
      : new Set<Certainty>(layer.features.map((f) => certaintyOf(f.properties?.certainty) ?? 'confirmed'));
    const sub = order(layer);
    const ctx: Ctx = { layer, sourceId, present, sub, src: sourceOf(layer, sourceId), v: layer.tiled ? tiledValues(layer) : GEOJSON_VALUES };

    switch (layer.kind) {
      case 'jurisdiction':
        this.jurisdiction(ctx);
        break;
      case 'circle':
        this.polygonFill(ctx, SLOT.circleFill, { 'fill-color': ctx.v.colour, 'fill-opacity': 0.13 }, 'fill');
        this.outlines(ctx, SLOT.circleLine, 1.8, CIRCLE_DASHES);
        this.lines(ctx, SLOT.lines, false);
        this.points(ctx);
        break;
      case 'key-area':
        this.polygonFill(ctx, SLOT.keyAreaFill, { 'fill-color': ctx.v.colour, 'fill-opacity': 0.1 }, 'tint', false);
        this.polygonFill(ctx, SLOT.keyAreaFill + 0.01, { 'fill-pattern': HATCH_IMAGE, 'fill-opacity': 0.9 }, 'fill');
        this.outlines(ctx, SLOT.keyAreaLine, 2.4, DASHES);
        this.lines(ctx, SLOT.lines, false);
        this.points(ctx);
        break;
      case 'corridor':
        this.polygonFill(ctx, SLOT.otherFill, { 'fill-color': ctx.v.colour, 'fill-opacity': 0.18 }, 'fill');
        this.lines(ctx, SLOT.corridorLine, true);
        this.points(ctx);
        break;
      case 'control':
        this.polygonFill(ctx, SLOT.controlFill, { 'fill-color': ctx.v.colour, 'fill-opacity': 0.22 }, 'fill');
        this.outlines(ctx, SLOT.otherLine, 1.4, DASHES);
        this.lines(ctx, SLOT.lines, false);
        this.points(ctx);
        break;
      default:
        this.polygonFill(ctx, SLOT.otherFill, { 'fill-color': ctx.v.colour, 'fill-opacity': 0.18 }, 'fill');
        this.outlines(ctx, SLOT.otherLine, 1.3, DASHES);
        this.lines(ctx, SLOT.lines, false);
        this.points(ctx);
        break;
    }
    this.setVisible(layer.id, layer.visible);
    return sourceId;
  }

  private jurisdiction(ctx: Ctx): void {
    const { layer } = ctx;
    const s = jurisdictionStyle(layer.level, layer.levels);
    this.polygonFill(ctx, SLOT.jurisdictionFill + layer.level, { 'fill-color': s.fill, 'fill-opacity': s.fillOpacity }, 'fill');
    // coarser levels on top of finer ones
    const slot = SLOT.jurisdictionLine + (layer.levels - layer.level);
    for (const c of ctx.present) {
      const dash = DASHES[c];
      const spec: LineLayerSpecification = {
        id: `mc:${layer.id}:outline:${c}`,
        type: 'line',
        ...ctx.src,
        filter: ['all', POLYGONS, ['==', ctx.v.cert, c]],
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': s.colour,
          'line-width': ['interpolate', ['linear'], ['zoom'], 5, s.width * 0.7, 9, s.width * 1.3, 12, s.width * 2],
          'line-opacity': c === 'synthetic' ? 0.6 : 1,
          ...(dash ? { 'line-dasharray': dash } : {}),
        },
      };
      this.add(layer.id, slot + 0.01 * CERTAINTIES.indexOf(c), spec, false);
    }
  }

  private polygonFill(ctx: Ctx, slot: number, paint: FillLayerSpecification['paint'], role: string, interactive = true): void {
    if (!hasFamily(ctx.layer, 'polygon')) return;
    this.add(
      ctx.layer.id,
      slot + ctx.sub,
      {
        id: `mc:${ctx.layer.id}:${role}`,
        type: 'fill',
        ...ctx.src,
        filter: POLYGONS,
        layout: { 'fill-sort-key': ctx.v.sort },
        paint,
      },
      interactive,
    );
  }

  /** Outlines of areas; clicks go to the area's fill, not its edge. */
  private outlines(ctx: Ctx, slot: number, width: number, dashes: Record<Certainty, number[] | null>): void {
    if (!hasFamily(ctx.layer, 'polygon')) return;
    for (const c of ctx.present) {
      const dash = dashes[c];
      const spec: LineLayerSpecification = {
        id: `mc:${ctx.layer.id}:outline:${c}`,
        type: 'line',
        ...ctx.src,
        filter: ['all', POLYGONS, ['==', ctx.v.cert, c]],
        layout: { 'line-join': 'round', 'line-sort-key': ctx.v.sort },
        paint: {
          'line-color': ctx.v.colour,
          'line-width': ['interpolate', ['linear'], ['zoom'], 5, width * 0.8, 10, width * 1.5],
          'line-opacity': c === 'synthetic' ? 0.55 : 0.95,
          ...(dash ? { 'line-dasharray': dash } : {}),
        },
      };
      this.add(ctx.layer.id, slot + ctx.sub + 0.001 * CERTAINTIES.indexOf(c), spec, false);
    }
  }

  private lines(ctx: Ctx, slot: number, corridor: boolean): void {
    if (!hasFamily(ctx.layer, 'line')) return;
    const width = corridor ? 5 : 2.5;
    const w: DataDrivenPropertyValueSpecification<number> = ['interpolate', ['linear'], ['zoom'], 5, width * 0.8, 10, width * 1.6];
    if (corridor) {
      this.add(
        ctx.layer.id,
        SLOT.corridorCasing + ctx.sub,
        {
          id: `mc:${ctx.layer.id}:casing`,
          type: 'line',
          ...ctx.src,
          filter: LINES,
          layout: { 'line-join': 'round', 'line-cap': 'round' },
          paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 5, width * 0.8 + 4, 10, width * 1.6 + 5], 'line-opacity': 0.95 },
        },
        false,
      );
    }
    for (const c of ctx.present) {
      const dash = DASHES[c];
      const spec: LineLayerSpecification = {
        id: `mc:${ctx.layer.id}:line:${c}`,
        type: 'line',
        ...ctx.src,
        filter: ['all', LINES, ['==', ctx.v.cert, c]],
        layout: { 'line-join': 'round', 'line-cap': dash ? 'butt' : 'round' },
        paint: {
          'line-color': ctx.v.colour,
          'line-width': w,
          'line-opacity': c === 'synthetic' ? 0.55 : 1,
          ...(dash ? { 'line-dasharray': dash } : {}),
        },
      };
      this.add(ctx.layer.id, slot + ctx.sub + 0.001 * CERTAINTIES.indexOf(c), spec);
    }
  }

  private points(ctx: Ctx): void {
    if (!hasFamily(ctx.layer, 'point')) return;
    const confirmed: ExpressionSpecification = ['==', ctx.v.cert, 'confirmed'];
    const radius: DataDrivenPropertyValueSpecification<number> = [
      'interpolate',
      ['linear'],
      ['zoom'],
      5,
      ['*', ctx.v.radius, 0.85],
      10,
      ['*', ctx.v.radius, 1.35],
    ];
    const main: CircleLayerSpecification = {
      id: `mc:${ctx.layer.id}:point`,
      type: 'circle',
      ...ctx.src,
      filter: POINTS,
      layout: { 'circle-sort-key': ctx.v.rank },
      paint: {
        'circle-radius': radius,
        // confirmed: a solid disc; indicative: a ring with a dot; synthetic: a pale ring
        'circle-color': ['case', confirmed, ctx.v.colour, '#ffffff'],
        'circle-stroke-color': ['case', confirmed, '#ffffff', ctx.v.colour],
        'circle-stroke-width': ['case', confirmed, 1.8, 2.4],
        'circle-opacity': ['case', ['==', ctx.v.cert, 'synthetic'], 0.6, 1],
        'circle-stroke-opacity': ['case', ['==', ctx.v.cert, 'synthetic'], 0.6, 1],
      },
    };
    this.add(ctx.layer.id, SLOT.points + ctx.sub, main);
    if (ctx.present.has('indicative')) {
      this.add(
        ctx.layer.id,
        SLOT.points + ctx.sub + 0.001,
        {
          id: `mc:${ctx.layer.id}:point-dot`,
          type: 'circle',
          ...ctx.src,
          filter: ['all', POINTS, ['==', ctx.v.cert, 'indicative']],
          layout: { 'circle-sort-key': ctx.v.rank },
          paint: {
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, ['*', ctx.v.radius, 0.4], 10, ['*', ctx.v.radius, 0.6]],
            'circle-color': ctx.v.colour,
          },
        },
        false,
      );
    }
  }

  /** Inserts a style layer below the first layer of a higher slot. */
  private add(collection: string | null, slot: number, spec: LayerSpecification, interactive = true): void {
    const next = this.slots.find((s) => s.slot > slot);
    this.map.addLayer(spec, next?.id);
    const at = next ? this.slots.indexOf(next) : this.slots.length;
    this.slots.splice(at, 0, { id: spec.id, slot });
    if (collection) {
      const ids = this.registered.byCollection.get(collection) ?? [];
      ids.push(spec.id);
      this.registered.byCollection.set(collection, ids);
      if (interactive) this.registered.interactive.set(spec.id, collection);
    }
  }
}

interface Ctx {
  layer: PlanLayer;
  sourceId: string;
  present: Set<Certainty>;
  sub: number;
  /** `source` (and `source-layer` for tiles) of every style layer of the collection. */
  src: { source: string; 'source-layer'?: string };
  /** What the style reads per feature. */
  v: Values;
}

/** Per-feature style inputs: the _mc_* properties of a GeoJSON layer, or what a vector tile can give. */
interface Values {
  colour: ExpressionSpecification | string;
  cert: ExpressionSpecification;
  sort: ExpressionSpecification | number;
  radius: ExpressionSpecification | number;
  rank: ExpressionSpecification | number;
}

const GEOJSON_VALUES: Values = {
  colour: ['get', '_mc_colour'],
  cert: ['get', '_mc_cert'],
  sort: ['get', '_mc_sort'],
  radius: ['get', '_mc_radius'],
  rank: ['get', '_mc_rank'],
};

/**
 * Tiles carry the served attributes only, so a tiled layer is drawn in its layer colour, with certainty read from
 * the feature's own `certainty` attribute (as the GeoJSON path does) and larger areas first where `areaHa` is there.
 */
function tiledValues(layer: PlanLayer): Values {
  const certainty: ExpressionSpecification = ['to-string', ['coalesce', ['get', 'certainty'], 'confirmed']];
  return {
    colour: layerColour(layer),
    cert: ['match', certainty, ['indicative', 'synthetic'], certainty, 'confirmed'],
    sort: ['-', 0, ['to-number', ['coalesce', ['get', 'areaHa'], 0], 0]],
    radius: 6,
    rank: 3,
  };
}

function sourceOf(layer: PlanLayer, sourceId: string): Ctx['src'] {
  return layer.tiled ? { source: sourceId, 'source-layer': layer.id } : { source: sourceId };
}

function order(layer: PlanLayer): number {
  // a fraction that keeps layers of one slot in their plan order without leaving the slot
  return Math.max(0, Math.min(0.9, (layer.order % 1000) / 1000));
}

function hasFamily(layer: PlanLayer, family: 'polygon' | 'line' | 'point'): boolean {
  if (layer.family === family) return true;
  if (layer.tiled) return false;
  return layer.features.some((f) => f.geometry && familyOfGeometry(f.geometry) === family);
}

function familyOfGeometry(g: Geometry): 'polygon' | 'line' | 'point' | 'none' {
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') return 'polygon';
  if (g.type === 'LineString' || g.type === 'MultiLineString') return 'line';
  if (g.type === 'Point' || g.type === 'MultiPoint') return 'point';
  return 'none';
}

/**
 * The map's copy of a layer: geometry plus the few _mc_* values the style reads. Attributes stay in
 * PlanLayer.features and are looked up by _mc_idx when a feature is inspected.
 */
function toMapData(layer: PlanLayer): GeoJsonCollection {
  const features: GeoJsonFeature[] = [];
  let lineIndex = 0;
  layer.features.forEach((f: Feature, idx: number) => {
    if (!f.geometry) return;
    const p = f.properties ?? {};
    const isLine = familyOfGeometry(f.geometry) === 'line';
    const style = featureStyle(layer, p, isLine ? lineIndex++ : idx);
    const area = bboxArea(geometryBBox(f.geometry));
    features.push({
      type: 'Feature',
      id: idx,
      geometry: f.geometry as GeoJsonGeometry,
      properties: {
        _mc_idx: idx,
        _mc_cert: certaintyOf(p.certainty) ?? 'confirmed',
        _mc_colour: style.colour,
        _mc_radius: style.radius,
        _mc_rank: style.rank,
        // larger areas first, so nested zones draw inside out (smallest on top)
        _mc_sort: -area,
      },
    });
  });
  return { type: 'FeatureCollection', features };
}

/** A diagonal hatch for key areas, drawn on a canvas so the map needs no sprite. */
function addHatchImage(map: MapLibreMap): void {
  const size = 16;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.strokeStyle = 'rgba(142, 36, 170, 0.55)';
  g.lineWidth = 2.2;
  g.lineCap = 'square';
  for (const k of [-1, 0, 1]) {
    g.beginPath();
    g.moveTo(k * size, size);
    g.lineTo(k * size + size, 0);
    g.stroke();
  }
  map.addImage(HATCH_IMAGE, g.getImageData(0, 0, size, size), { pixelRatio: 2 });
}
