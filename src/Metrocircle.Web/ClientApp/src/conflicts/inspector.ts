// The inspector of one patch: its figures (rule, severity, status, county, area or length), then features A and B
// loaded from the OGC API with their layers' names, and a link to propose an amendment of the plan.
//
// Hooks: #conflict-inspector[data-patch]; .inspect-feature[data-role=A|B][data-state=loading|ready|error] with
// [data-layer][data-feature]; a#propose-amendment.

import { fetchItem, type Feature } from '../api';
import { el } from '../dom';
import { featureLabel, type Patch, type PlanNames, type RuleSummary } from './api';
import { FEATURE_A, FEATURE_B, SEVERITY_COLOURS } from './map';
import { areaText, lengthText, statusLabel } from './format';

export class Inspector {
  private request: AbortController | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly names: PlanNames,
    private readonly highlight: (patch: Patch | null, a: Feature | null, b: Feature | null) => void,
  ) {}

  close(): void {
    this.request?.abort();
    this.host.hidden = true;
    this.host.replaceChildren();
    delete this.host.dataset.patch;
    this.highlight(null, null, null);
  }

  async show(patch: Patch, rule: RuleSummary | undefined): Promise<void> {
    this.request?.abort();
    const controller = new AbortController();
    this.request = controller;
    const p = patch.properties;
    const close = el('button', { type: 'button', class: 'conflict-inspector__close', 'aria-label': 'Close' }, '×');
    close.addEventListener('click', () => this.close());
    const severity = el('span', { class: `conflict-chip conflict-chip--${p.severity}` }, p.severity);
    severity.style.setProperty('--chip', SEVERITY_COLOURS[p.severity] ?? '#757575');
    const figures = el(
      'dl',
      { class: 'conflict-figures' },
      el('dt', {}, 'Rule · 规则'),
      el('dd', {}, rule ? `${rule.title} (${p.rule})` : p.rule),
      el('dt', {}, 'Severity · 等级'),
      el('dd', {}, severity),
      el('dt', {}, 'Status · 状态'),
      el('dd', { id: 'inspect-status' }, statusLabel(p.status)),
      el('dt', {}, 'County · 区县'),
      el('dd', { id: 'inspect-county' }, this.names.county(p.county) ?? p.county ?? 'outside every county · 不在任何区县内'),
      el('dt', {}, p.areaM2 !== null ? 'Area · 面积' : 'Length · 长度'),
      el('dd', { id: 'inspect-size' }, p.areaM2 !== null ? areaText(p.areaM2) : lengthText(p.lengthM ?? 0)),
      p.reason ? el('dt', {}, 'Reason · 理由') : null,
      p.reason ? el('dd', {}, p.reason) : null,
      p.amendmentId ? el('dt', {}, 'Amendment · 修改') : null,
      p.amendmentId ? el('dd', {}, el('a', { href: `./amendments.html#${encodeURIComponent(p.amendmentId)}` }, p.amendmentId)) : null,
    );
    const a = this.featureBox('A', p.layerA, p.featureA, FEATURE_A);
    const b = this.featureBox('B', p.layerB, p.featureB, FEATURE_B);
    // The amendments page takes no feature in its address yet: the link opens its proposal form.
    const propose = el('a', { id: 'propose-amendment', class: 'check-button check-button--primary', href: './amendments.html#propose' }, 'Propose an amendment · 提出规划修改');
    this.host.dataset.patch = patch.id;
    this.host.hidden = false;
    this.host.replaceChildren(
      el('header', { class: 'conflict-inspector__head' }, el('h2', {}, 'Conflict patch · 冲突图斑'), close),
      el('p', { class: 'conflict-inspector__id' }, patch.id),
      figures,
      el('div', { class: 'conflict-inspector__features' }, a.box, b.box),
      el('p', { class: 'conflict-inspector__propose' }, propose, el('span', { class: 'check-hint' }, ` Change feature ${p.featureA} of ${this.names.layer(p.layerA)} or feature ${p.featureB} of ${this.names.layer(p.layerB)} to resolve it.`)),
    );
    this.highlight(patch, null, null);
    const [fa, fb] = await Promise.all([a.load(controller.signal), b.load(controller.signal)]);
    if (!controller.signal.aborted) this.highlight(patch, fa, fb);
  }

  private featureBox(role: 'A' | 'B', layer: string, id: string, colour: string): { box: HTMLElement; load(signal: AbortSignal): Promise<Feature | null> } {
    const name = el('p', { class: 'inspect-feature__name' }, id);
    const attrs = el('dl', { class: 'inspect-feature__attrs' });
    const box = el(
      'section',
      { class: 'inspect-feature', 'data-role': role, 'data-layer': layer, 'data-feature': id, 'data-state': 'loading' },
      el('h3', {}, el('span', { class: 'inspect-feature__role' }, role), ' ', el('span', { class: 'inspect-feature__layer' }, this.names.layer(layer))),
      name,
      attrs,
    );
    box.style.setProperty('--role', colour);
    const load = async (signal: AbortSignal): Promise<Feature | null> => {
      try {
        const f = await fetchItem(layer, id, signal);
        name.textContent = featureLabel(f, id);
        const entries = Object.entries(f.properties ?? {}).filter(([, v]) => v !== null && typeof v !== 'object').slice(0, 8);
        attrs.replaceChildren(...entries.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]));
        box.dataset.state = 'ready';
        return f;
      } catch (e) {
        if (signal.aborted) return null;
        box.dataset.state = 'error';
        attrs.replaceChildren(el('dd', { class: 'conflict-error' }, `Feature ${id} of ${layer} could not be loaded: ${e instanceof Error ? e.message : String(e)}`));
        return null;
      }
    };
    return { box, load };
  }
}
