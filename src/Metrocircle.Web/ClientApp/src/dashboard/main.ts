// The indicators dashboard: one ECharts chart per indicator of the plan version in force, against its targets,
// grouped by the strategic role each serves with that role's progress.
// Observed indicators show each scope's series, the fitted trend to the milestone and the target; computed ones
// show their values per scope from the plan's layers. Everything comes from GET /indicators and /indicators/{id}.

import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { mountAccount } from '../account';
import { api, send, type Schemas } from '../client';
import './dashboard.css';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

type IndicatorDetail = Schemas['IndicatorDetail'];

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

/** The data of an answer of the typed client; a failure becomes an HttpError with the problem's detail. */
async function typed<T>(request: () => Promise<{ data?: T; error?: unknown; response: Response }>, what: string): Promise<T> {
  const { data, error, response } = await send(request, what);
  if (!response.ok || data === undefined) {
    const detail = error && typeof error === 'object' && typeof (error as { detail?: unknown }).detail === 'string' ? (error as { detail: string }).detail : null;
    throw new HttpError(detail ?? `${what}: HTTP ${response.status}`, response.status);
  }
  return data;
}

/** The jurisdiction filter lists the plan's top-level jurisdictions (anonymous: the published plan is open). */
async function fillJurisdictions(select: HTMLSelectElement): Promise<void> {
  try {
    const body = await json<{ features?: { id?: string | number; properties?: Record<string, unknown> | null }[] }>('./collections/provinces/items?f=json&limit=1000');
    for (const f of body.features ?? []) {
      if (f.id === undefined) continue;
      const p = f.properties ?? {};
      const zh = typeof p.nameZh === 'string' ? p.nameZh : typeof p.name === 'string' ? p.name : '';
      const en = typeof p.nameEn === 'string' ? p.nameEn : '';
      const option = document.createElement('option');
      option.value = String(f.id);
      option.textContent = [en, zh].filter(Boolean).join(' ') || String(f.id);
      select.append(option);
    }
  } catch {
    // without the list the filter offers "all" only
  }
}

/** A jurisdiction matches its own scope and every scope the answer says lies within it, as GET /indicators/warnings does. */
const inJurisdiction = (d: IndicatorDetail, scope: string, j: string) =>
  !j || scope === j || (d.scopes.find((s) => s.id === scope)?.within ?? []).includes(j);

/** A scope's name for labels (English, else Chinese, else its id). */
const scopeName = (d: IndicatorDetail, scope: string) => {
  const s = d.scopes.find((x) => x.id === scope);
  return s?.nameEn ?? s?.nameZh ?? scope;
};

const colours = { cap: '#c62828', floor: '#ef6c00', target: '#1565c0' } as Record<string, string>;

function options(d: IndicatorDetail, j: string): echarts.EChartsCoreOption {
  if (d.computedValues) {
    const top = [...d.computedValues].sort((a, b) => b.value - a.value).slice(0, 20);
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 60, right: 16, top: 24, bottom: 60 },
      xAxis: { type: 'category', data: top.map((v) => scopeName(d, v.scope)), axisLabel: { rotate: 45, fontSize: 10 } },
      yAxis: { type: 'value', name: d.unit },
      series: [{ type: 'bar', name: d.nameEn, data: top.map((v) => v.value), itemStyle: { color: '#31a354' } }],
    };
  }
  const scopes = [...new Set([...d.targets.map((t) => t.scope), ...d.series.map((s) => s.scope)])].filter((s) => inJurisdiction(d, s, j));
  const series: object[] = [];
  for (const scope of scopes) {
    const points = d.series.find((s) => s.scope === scope)?.points ?? [];
    const targets = d.targets.filter((t) => t.scope === scope);
    series.push({ type: 'line', name: scopeName(d, scope), data: points.map((p) => [p.year, p.value]), symbolSize: 7 });
    // Targets are data of their own series (not only mark lines) so that the value axis always reaches them.
    series.push({
      type: 'line', name: `${scopeName(d, scope)} ${d.direction}`, data: targets.map((t) => [t.year, t.value]), symbol: 'diamond', symbolSize: 14,
      itemStyle: { color: colours[d.direction] }, lineStyle: { opacity: 0 },
      markLine: { symbol: 'none', lineStyle: { type: 'dashed', color: colours[d.direction] }, label: { formatter: (p: { value?: unknown }) => `${d.direction} ${Number(p.value).toLocaleString('en')}`, position: 'insideEndTop' },
        data: targets.map((t) => ({ yAxis: t.value, name: `${t.year}` })) },
    });
    for (const e of d.evaluations.filter((x) => x.scope === scope && x.projected !== null && x.slopePerYear !== null)) {
      const first = points[0]?.year ?? e.milestone;
      const at = (y: number) => (e.projected as number) - (e.slopePerYear as number) * (e.milestone - y);
      series.push({ type: 'line', name: `${scopeName(d, scope)} trend`, data: [[first, at(first)], [e.milestone, at(e.milestone)]], symbol: 'none',
        itemStyle: { color: '#6a1b9a' }, lineStyle: { type: 'dotted', color: '#6a1b9a' } });
    }
  }
  const years = [...d.targets.map((t) => t.year), ...d.series.flatMap((s) => s.points.map((p) => p.year))];
  return {
    tooltip: { trigger: 'item' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 80, right: 64, top: 36, bottom: 30 },
    xAxis: { type: 'value', min: Math.min(...years, 2020) - 1, max: Math.max(...years) + 1, minInterval: 1, axisLabel: { formatter: (v: number) => `${v}` } },
    yAxis: { type: 'value', name: d.unit, scale: true },
    series,
  };
}

type Role = Schemas['RoleView'];

/**
 * One section per strategic role, in the plan's order, headed by the role's name and its progress (indicators by
 * their worst status, tasks by state); the indicator cards go into their role's grid. Without roles (a plan that
 * defines none) the cards stay in one grid.
 */
function roleSections(main: HTMLElement, roles: Role[]): Map<string, HTMLElement> {
  const holders = new Map<string, HTMLElement>();
  main.className = roles.length > 0 ? 'dash-roles' : 'dash-grid';
  for (const role of roles) {
    const section = document.createElement('section');
    section.className = 'dash-role';
    section.dataset.role = role.id;
    const title = document.createElement('h2');
    title.textContent = `${role.nameZh} · ${role.nameEn}`;
    const summary = document.createElement('p');
    summary.className = 'dash-role-summary';
    const counts: [string, number, string][] = [
      ['on-track', role.onTrack, 'on track'], ['at-risk', role.atRisk, 'at risk'], ['off-track', role.offTrack, 'off track'],
      ['insufficient', role.insufficient, 'too few observations'],
    ];
    for (const [css, n, label] of counts) {
      summary.dataset[css.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] = String(n);
      if (n === 0) continue;
      const badge = document.createElement('span');
      badge.className = `dash-count ${css}`;
      badge.textContent = `${n} ${label}`;
      summary.append(badge);
    }
    const tasks = document.createElement('span');
    tasks.className = 'dash-role-tasks';
    tasks.textContent = `Tasks: ${role.tasksDone} done, ${role.tasksOverdue} overdue, ${role.tasksOnTrack} on track of ${role.tasks.length}`;
    summary.dataset.tasksDone = String(role.tasksDone);
    summary.dataset.tasksOverdue = String(role.tasksOverdue);
    summary.title = role.summary;
    summary.append(tasks);
    const cards = document.createElement('div');
    cards.className = 'dash-grid';
    section.append(title, summary);
    if (role.indicators.length === 0) {
      const none = document.createElement('p');
      none.className = 'dash-meta';
      none.textContent = 'No indicator of the plan measures this role yet; its tasks are counted above. · 暂无指标';
      section.append(none);
    }
    section.append(cards);
    main.append(section);
    holders.set(role.id, cards);
  }
  return holders;
}

const account = mountAccount();
const select = document.getElementById('jurisdiction') as HTMLSelectElement;
const jurisdictionsFilled = fillJurisdictions(select);
let drawn: echarts.ECharts[] = [];
let runs = 0;

async function main(): Promise<void> {
  const run = ++runs;
  const status = document.getElementById('dash-status')!;
  const grid = document.getElementById('charts')!;
  const prompt = document.getElementById('dash-sign-in')!;
  drawn.forEach((c) => c.dispose());
  drawn = [];
  grid.replaceChildren();
  prompt.hidden = true;
  document.body.dataset.state = 'loading';
  status.textContent = 'Loading the indicators…';
  await jurisdictionsFilled;
  try {
    const catalogue = await typed(() => api.GET('/indicators'), '/indicators');
    document.getElementById('dash-version')!.textContent = `Plan version ${catalogue.planVersion}`;
    const details = await Promise.all(catalogue.indicators.map((i) => typed(() => api.GET('/indicators/{indicatorId}', { params: { path: { indicatorId: i.id } } }), `/indicators/${i.id}`)));
    if (run !== runs) return; // a sign-in or sign-out started a newer load
    const charts: { detail: IndicatorDetail; chart: echarts.ECharts; card: HTMLElement; reasons: HTMLElement }[] = [];
    const holders = roleSections(grid, catalogue.roles);
    const roleOf = new Map(catalogue.indicators.map((i) => [i.id, i.role ?? 'unassigned']));
    for (const detail of details) {
      const card = document.createElement('section');
      card.className = 'dash-card';
      card.dataset.indicator = detail.id;
      const title = document.createElement(holders.size > 0 ? 'h3' : 'h2');
      title.textContent = `${detail.nameZh} · ${detail.nameEn} (${detail.unit})`;
      const holder = document.createElement('div');
      holder.className = 'dash-chart';
      const reasons = document.createElement('div');
      card.append(title, holder, reasons);
      (holders.get(roleOf.get(detail.id) ?? 'unassigned') ?? grid).append(card);
      const chart = echarts.init(holder, undefined, { renderer: 'canvas' });
      chart.on('finished', () => { holder.dataset.drawn = 'true'; });
      charts.push({ detail, chart, card, reasons });
      drawn.push(chart);
    }
    const draw = () => {
      const j = select.value;
      for (const { detail, chart, reasons } of charts) {
        chart.setOption(options(detail, j), { notMerge: true });
        reasons.replaceChildren(...detail.evaluations.filter((e) => inJurisdiction(detail, e.scope, j)).map((e) => {
          const p = document.createElement('p');
          p.className = 'dash-reason';
          const badge = document.createElement('span');
          badge.className = `dash-status ${e.status}`;
          badge.textContent = e.status;
          p.append(badge, `${scopeName(detail, e.scope)} ${e.milestone}: ${e.reason}`);
          return p;
        }));
      }
    };
    select.onchange = draw;
    window.onresize = () => charts.forEach((c) => c.chart.resize());
    draw();
    status.textContent = `${charts.length} indicators`;
    document.body.dataset.state = 'ready';
  } catch (error) {
    if (run !== runs) return;
    if (error instanceof HttpError && error.status === 401) {
      status.textContent = `Sign in to see the indicators (${error.message}).`;
      prompt.hidden = false;
      document.body.dataset.state = 'signed-out';
      return;
    }
    status.textContent = `The indicators could not be loaded: ${(error as Error).message}`;
    document.body.dataset.state = 'error';
  }
}

document.getElementById('dash-sign-in-button')!.addEventListener('click', () => account.open('Sign in to see the indicators. · 登录后查看指标'));
// a sign-in (or sign-out) changes what the server reports: load again
void account.ready.then(() => {
  account.onChange(() => void main());
  void main();
});
