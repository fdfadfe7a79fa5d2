/**
 * @module apps/web/dom
 * Building the page without a framework. Elements are created with {@link h} and text is always
 * set as text (never as HTML): lab reports, answers and knowledge entries are data, and nothing
 * the server returns is ever parsed as markup.
 */
import { ApiError } from './client.js';
import { displayPath } from './format.js';

type Child = Node | string | number | null | undefined | false | readonly Child[];
type AttrValue = string | number | boolean | null | undefined;
type Attrs = Record<string, AttrValue | ((e: Event) => void)>;

function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c as readonly Child[]);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
}

/** Create an HTML element: `h('p', { class: 'x', onclick: f }, 'text', child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Create an SVG element. */
export function svg(tag: string, attrs?: Attrs | null, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replace an element's content. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Look an element up by id; a missing element is a bug in index.html, said plainly. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no element #${id}`);
  return el as T;
}

/** Move focus to a heading or region after an action (it gets tabindex=-1 to take focus). */
export function focusOn(el: HTMLElement | null): void {
  if (!el) return;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: false });
  el.scrollIntoView({ block: 'start' });
}

/** A screen-reader announcement through a polite live region (e.g. "Normalized 12 results"). */
export function announce(region: HTMLElement, message: string): void {
  // Clearing first makes a repeated identical message be read again.
  region.textContent = '';
  window.setTimeout(() => (region.textContent = message), 50);
}

/** An error box for a failed call: code, message, every issue and the request id. */
export function errorView(e: unknown, what: string): HTMLElement {
  const err =
    e instanceof ApiError ? e : new ApiError(0, 'client-error', e instanceof Error ? e.message : String(e));
  const hint =
    err.status === 401 || err.status === 403
      ? h(
          'p',
          null,
          'This server needs an API key: set it on the ',
          h('a', { href: '#key' }, 'API key'),
          ' screen.',
        )
      : err.code === 'network'
        ? h('p', null, 'Check that the server is running and reachable, then try again.')
        : null;
  const issues = err.issues.length > 1 ? err.issues : [];
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h(
      'p',
      { class: 'error-title' },
      h('strong', null, `${what} failed`),
      ` (${err.code}${err.status ? `, HTTP ${err.status}` : ''})`,
    ),
    h('p', null, err.message),
    issues.length
      ? h(
          'ul',
          null,
          issues.map((i) =>
            h(
              'li',
              null,
              i.path ? h('code', null, displayPath(i.path)) : null,
              i.path ? ': ' : '',
              i.message,
            ),
          ),
        )
      : null,
    hint,
    err.requestId ? h('p', { class: 'muted small' }, `Request id: ${err.requestId}`) : null,
  );
}

/** Run an action with its button disabled and its region marked busy. */
export async function busy<T>(
  button: HTMLButtonElement | null,
  region: HTMLElement,
  status: HTMLElement,
  message: string,
  action: () => Promise<T>,
): Promise<T> {
  if (button) button.disabled = true;
  region.setAttribute('aria-busy', 'true');
  status.textContent = message;
  try {
    return await action();
  } finally {
    if (button) button.disabled = false;
    region.removeAttribute('aria-busy');
  }
}
