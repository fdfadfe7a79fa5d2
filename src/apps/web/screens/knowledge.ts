/**
 * @module apps/web/screens/knowledge
 * Knowledge bank screen: `GET /v1/knowledge/entries` with words, topic, source body, concept and
 * kind filters, paged; an entry's detail (both statements, applicability conditions, source,
 * verification, review); and `GET /v1/knowledge/versions` (the publications and the one served).
 */
import type { Client, KnowledgeEntry, KnowledgeQuery, Versions } from '../client.js';
import { announce, busy, byId, errorView, focusOn, h, replace } from '../dom.js';
import { shortVersion } from '../format.js';
import { sourceView } from '../render.js';

type Condition = NonNullable<KnowledgeEntry['applicability']>;

const PAGE = 20;
/** How many entries are read to list the topics, bodies and concepts offered as filters. */
const FACET_PAGES = 5;
const OPS: Record<string, string> = {
  eq: '=',
  ne: '≠',
  in: 'is one of',
  nin: 'is none of',
  lt: '<',
  lte: '≤',
  gt: '>',
  gte: '≥',
  between: 'between',
  exists: 'is known',
};

function conditionView(c: Condition): HTMLElement {
  if ('all' in c)
    return h(
      'div',
      null,
      'All of:',
      h(
        'ul',
        null,
        c.all.map((x) => h('li', null, conditionView(x))),
      ),
    );
  if ('any' in c)
    return h(
      'div',
      null,
      'Any of:',
      h(
        'ul',
        null,
        c.any.map((x) => h('li', null, conditionView(x))),
      ),
    );
  if ('not' in c) return h('div', null, 'Not:', h('ul', null, h('li', null, conditionView(c.not))));
  const value =
    c.value === undefined ? '' : Array.isArray(c.value) ? ` ${c.value.join(', ')}` : ` ${String(c.value)}`;
  return h(
    'span',
    null,
    c.label ? `${c.label} ` : '',
    h('code', null, `${c.fact} ${OPS[c.op] ?? c.op}${value}`),
  );
}

function entryDetail(e: KnowledgeEntry): HTMLElement {
  return h(
    'article',
    { class: 'panel entry', 'data-entry': e.id },
    h('h2', { id: 'kb-entry-heading', tabindex: '-1' }, e.title),
    h(
      'p',
      null,
      h('span', { class: 'tag' }, e.kind),
      ' ',
      h('span', { class: 'tag' }, `direction: ${e.direction}`),
      ' ',
      h('span', { class: 'tag' }, e.status),
      e.topic ? [' ', h('span', { class: 'tag' }, `topic: ${e.topic}`)] : null,
    ),
    h('p', { class: 'small muted' }, h('code', null, e.id)),
    h('h3', null, 'For couples'),
    h('p', null, e.statement),
    h('h3', null, 'For clinicians'),
    h('p', null, e.clinicianStatement),
    h('h3', null, 'Applies to'),
    e.applicability ? conditionView(e.applicability) : h('p', null, 'Every couple (no conditions).'),
    h('p', null, h('strong', null, 'Concepts: '), e.concepts.join(', ')),
    h('h3', null, 'Source'),
    sourceView(e.source),
    e.evidenceCutoff ? h('p', null, `Literature search cut-off: ${e.evidenceCutoff}`) : null,
    h('h3', null, 'Verification and review'),
    h(
      'ul',
      null,
      e.verifiedFrom.map((v) =>
        h('li', null, h('span', { class: 'tag' }, v.tag), ' ', v.ref, v.note ? ` — ${v.note}` : ''),
      ),
    ),
    h('p', null, `Reviewed by: ${e.reviewedBy}. Review by: ${e.reviewBy}. Language: ${e.language}.`),
    e.supersedes.length ? h('p', null, `Supersedes: ${e.supersedes.join(', ')}`) : null,
  );
}

function versionsView(v: Versions): HTMLElement {
  return h(
    'div',
    null,
    h(
      'p',
      null,
      'Served now: ',
      h('code', { title: v.serving.version }, shortVersion(v.serving.version)),
      ` (${v.serving.entries} entries${v.serving.publication !== null ? `, publication ${v.serving.publication}` : ''}).`,
    ),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-labelledby': 'versions-caption', tabindex: '0' },
      h(
        'table',
        null,
        h('caption', { id: 'versions-caption' }, 'Published knowledge versions, newest first'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Publication', 'Version', 'Entries', 'Published', 'By', 'Note', 'Served'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          v.publications.map((p) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, String(p.n)),
              h('td', null, h('code', { title: p.version }, shortVersion(p.version))),
              h('td', { class: 'num' }, String(p.entryCount)),
              h('td', null, new Date(p.publishedAt).toLocaleString()),
              h('td', null, p.publishedBy),
              h('td', null, p.note ?? ''),
              h('td', null, p.n === v.serving.publication ? 'yes (this server)' : ''),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Wire the knowledge screen; `refresh` loads filters, the first page and the versions. */
export function setupKnowledge(client: Client): { refresh(): void } {
  const form = byId<HTMLFormElement>('kb-form');
  const submit = byId<HTMLButtonElement>('kb-submit');
  const status = byId('kb-status');
  const result = byId('kb-result');
  const detail = byId('kb-detail');
  const versions = byId('kb-versions');
  const topic = byId<HTMLSelectElement>('kb-topic');
  const body = byId<HTMLSelectElement>('kb-body');
  const concepts = byId('kb-concepts');
  let loaded = false;
  // Cursors of the pages before the one shown, for "Previous".
  let cursors: (string | undefined)[] = [];

  const filters = (): KnowledgeQuery => {
    const f = new FormData(form);
    const get = (k: string): string | undefined => {
      const v = String(f.get(k) ?? '').trim();
      return v === '' ? undefined : v;
    };
    const q: KnowledgeQuery = { limit: PAGE };
    for (const k of ['q', 'topic', 'body', 'concept'] as const) {
      const v = get(k);
      if (v !== undefined) q[k] = v;
    }
    const kind = get('kind');
    if (kind !== undefined) q.kind = kind as NonNullable<KnowledgeQuery['kind']>;
    return q;
  };

  const search = async (cursor: string | undefined, focusResults: boolean): Promise<void> => {
    await busy(submit, result, status, 'Searching the knowledge bank…', async () => {
      try {
        const page = await client.knowledgeEntries({
          ...filters(),
          ...(cursor !== undefined ? { cursor } : {}),
        });
        const start = cursor === undefined ? 0 : Number(cursor);
        const list = h(
          'ul',
          { class: 'entry-list' },
          page.items.map((e) =>
            h(
              'li',
              null,
              h(
                'button',
                {
                  type: 'button',
                  class: 'entry-button',
                  'data-entry-id': e.id,
                  onclick: (ev: Event) => {
                    for (const b of result.querySelectorAll('[aria-current]'))
                      b.removeAttribute('aria-current');
                    (ev.currentTarget as HTMLElement).setAttribute('aria-current', 'true');
                    replace(detail, entryDetail(e));
                    focusOn(byId('kb-entry-heading'));
                  },
                },
                e.title,
              ),
              h(
                'span',
                { class: 'small muted block' },
                `${e.kind} · ${e.source.body} ${e.source.year}${e.topic ? ` · ${e.topic}` : ''}`,
              ),
            ),
          ),
        );
        const prev = h('button', { type: 'button', disabled: cursors.length === 0 }, 'Previous page');
        const next = h('button', { type: 'button', disabled: page.nextCursor === null }, 'Next page');
        prev.addEventListener('click', () => void search(cursors.pop(), true));
        next.addEventListener('click', () => {
          cursors.push(cursor);
          void search(page.nextCursor ?? undefined, true);
        });
        replace(
          result,
          h('h2', { id: 'kb-results-heading', tabindex: '-1' }, `Entries (${page.total})`),
          h(
            'p',
            { class: 'small muted' },
            page.total ? `Showing ${start + 1}–${start + page.items.length} of ${page.total}. ` : '',
            'Version ',
            h('code', { title: page.version }, shortVersion(page.version)),
          ),
          page.items.length ? list : h('p', null, 'No entry matches these filters.'),
          h('div', { class: 'actions', role: 'group', 'aria-label': 'Pages' }, prev, next),
        );
        announce(status, `${page.total} entries match.`);
        if (focusResults) focusOn(byId('kb-results-heading'));
      } catch (err) {
        replace(result, errorView(err, 'Searching the knowledge bank'));
        announce(status, 'Searching failed.');
        if (focusResults) focusOn(result.querySelector<HTMLElement>('.error'));
      }
    });
  };

  /** Topics, bodies and concepts offered as filters, from the first pages of entries. */
  const loadFacets = async (): Promise<void> => {
    const topics = new Set<string>();
    const bodies = new Set<string>();
    const cs = new Set<string>();
    let cursor: string | undefined;
    for (let i = 0; i < FACET_PAGES; i++) {
      const page = await client.knowledgeEntries({ limit: 200, ...(cursor !== undefined ? { cursor } : {}) });
      for (const e of page.items) {
        if (e.topic) topics.add(e.topic);
        bodies.add(e.source.body);
        for (const c of e.concepts) cs.add(c);
      }
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    const sorted = (s: Set<string>): string[] => [...s].sort((a, b) => a.localeCompare(b));
    replace(
      topic,
      h('option', { value: '' }, 'Any topic'),
      sorted(topics).map((t) => h('option', { value: t }, t)),
    );
    replace(
      body,
      h('option', { value: '' }, 'Any body'),
      sorted(bodies).map((b) => h('option', { value: b }, b)),
    );
    replace(
      concepts,
      sorted(cs).map((c) => h('option', { value: c })),
    );
  };

  const loadVersions = async (): Promise<void> => {
    try {
      replace(versions, versionsView(await client.knowledgeVersions()));
    } catch (err) {
      replace(versions, errorView(err, 'Listing knowledge versions'));
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    cursors = [];
    void search(undefined, true);
  });
  form.addEventListener('reset', () => {
    window.setTimeout(() => {
      cursors = [];
      void search(undefined, false);
    }, 0);
  });

  return {
    refresh: () => {
      if (loaded) return;
      loaded = true;
      void (async () => {
        try {
          await loadFacets();
        } catch (err) {
          loaded = false; // try again next time the screen is shown (e.g. once a key is set)
          replace(result, errorView(err, 'Loading the knowledge bank'));
          return;
        }
        await search(undefined, false);
        await loadVersions();
      })();
    },
  };
}
