// Tiny DOM helpers. Text from the API only ever goes in through textContent.

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c);
  }
  return e;
}

/** An element holding an SVG string that this page generated itself (never API text). */
export function svg(cls: string, markup: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = cls;
  s.innerHTML = markup;
  return s;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`The page has no #${id} element`);
  return e as T;
}

const URL_PATTERN = /https?:\/\/[^\s;,<>"]+[^\s;,<>".)]/g;

/** Text with its http(s) addresses turned into links that open in a new tab. */
export function linkified(value: string): DocumentFragment {
  const f = document.createDocumentFragment();
  let last = 0;
  for (const m of value.matchAll(URL_PATTERN)) {
    const at = m.index ?? 0;
    if (at > last) f.append(value.slice(last, at));
    f.append(el('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer' }, displayUrl(m[0])));
    last = at + m[0].length;
  }
  if (last < value.length) f.append(value.slice(last));
  return f;
}

function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    const rest = decodeURI(u.pathname + u.search);
    const short = rest.length > 38 ? `${rest.slice(0, 36)}…` : rest;
    return u.host + (short === '/' ? '' : short);
  } catch {
    return url;
  }
}
