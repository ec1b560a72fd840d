// What the conflicts page reads: the patches and rule summaries (GET /conflicts), the plan's collections (layer
// names, and the finest jurisdiction layer for county names) and single features of the OGC API.

import { fetchCollections, fetchItems, type Feature } from '../api';
import { api, ok, type Schemas } from '../client';
import type { Geometry } from '../geometry';
import { featureNames, toPlanLayers, type PlanLayer } from '../model';

export type ConflictsResponse = Schemas['ConflictsResponse'];
export type RuleSummary = Schemas['ConflictRuleSummary'];
export type ConflictProperties = Schemas['ConflictProperties'];

/** A patch as the page uses it: the served Feature with its geometry typed. */
export interface Patch {
  id: string;
  geometry: Geometry;
  properties: ConflictProperties;
}

export async function fetchConflicts(signal?: AbortSignal): Promise<{ planVersion: string; rules: RuleSummary[]; patches: Patch[] }> {
  const body: ConflictsResponse = await ok(() => api.GET('/conflicts', { signal }), 'the conflicts');
  return {
    planVersion: body.planVersion,
    rules: body.rules,
    patches: body.conflicts.map((c) => ({ id: c.id, geometry: c.geometry as unknown as Geometry, properties: c.properties })),
  };
}

/** The plan's layers (for their names) and the names of the finest jurisdictions (counties), by id. */
export interface PlanNames {
  layers: Map<string, PlanLayer>;
  counties: PlanLayer | null;
  county(id: string | null | undefined): string | null;
  layer(id: string): string;
}

export async function fetchPlanNames(signal?: AbortSignal): Promise<PlanNames> {
  const layers = toPlanLayers(await fetchCollections(signal));
  // The finest jurisdiction layer is the one with the most features, as the conflict detector cuts by it.
  const counties = layers.filter((l) => l.kind === 'jurisdiction').sort((a, b) => b.featureCount - a.featureCount)[0] ?? null;
  const names = new Map<string, string>();
  if (counties) {
    counties.features = (await fetchItems(counties.id, signal)).features;
    counties.state = 'ready';
    for (const f of counties.features) {
      const { zh, en } = featureNames(f.properties);
      const label = [zh, en && en !== zh ? en : null].filter(Boolean).join(' ');
      if (f.id !== undefined && label) names.set(String(f.id), label);
    }
  }
  const byId = new Map(layers.map((l) => [l.id, l]));
  return {
    layers: byId,
    counties,
    county: (id) => (id ? (names.get(id) ?? null) : null),
    layer: (id) => {
      const l = byId.get(id);
      return l ? [l.titleZh, l.titleEn].filter(Boolean).join(' · ') || id : id;
    },
  };
}

/** "中文 · English" of a feature, or its id when it has no name. */
export function featureLabel(f: Feature, fallback: string): string {
  const { zh, en } = featureNames(f.properties);
  return [zh, en].filter(Boolean).join(' · ') || fallback;
}
