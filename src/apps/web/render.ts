/**
 * @module apps/web/render
 * Views shared by several screens: a source (contracts §7), an answer with its citation markers
 * and citation list (contracts §6), confidence in words, and small definition lists. Everything
 * shown comes from the API response; nothing is added or reworded except labels.
 */
import type { Answer } from './client.js';
import { confidenceBand, displayPath, shortVersion, splitCitations } from './format.js';
import { focusOn, h } from './dom.js';

type Source = Answer['citations'][number]['source'] & {
  verifiedFrom?: readonly { ref: string; tag: string; note?: string | undefined }[];
};
type Citation = Answer['citations'][number];

/** A link that opens outside the workspace, saying so for screen readers. */
export function externalLink(href: string, text: string): HTMLAnchorElement {
  return h(
    'a',
    { href, target: '_blank', rel: 'noopener noreferrer' },
    text,
    h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
  );
}

/** The link of a source: its URL, else its DOI resolved at doi.org; null when it has neither. */
export function sourceHref(s: { url?: string | undefined; doi?: string | undefined }): string | null {
  if (s.url && /^https?:\/\//i.test(s.url)) return s.url;
  if (s.doi) return `https://doi.org/${s.doi}`;
  return null;
}

/** A source: body, document, year, section, grading and link (and how it was verified, if given). */
export function sourceView(s: Source, options: { verified?: boolean } = {}): HTMLElement {
  const href = sourceHref(s);
  const grading = [
    s.strength ? `strength: ${s.strength}` : null,
    s.certainty ? `certainty: ${s.certainty}` : null,
  ]
    .filter(Boolean)
    .join('; ');
  return h(
    'div',
    { class: 'source' },
    h(
      'p',
      null,
      h('span', { class: 'source-body' }, s.body),
      ' — ',
      h('cite', null, s.document),
      `, ${s.year}. Section: ${s.section}.`,
      grading ? h('span', { class: 'grading' }, ` Grading: ${grading}.`) : null,
    ),
    href || s.doi
      ? h(
          'p',
          { class: 'small' },
          href ? externalLink(href, s.url ? 'Open the source' : `doi:${s.doi}`) : null,
          s.url && s.doi ? h('span', null, ` · doi:${s.doi}`) : null,
        )
      : h('p', { class: 'small muted' }, 'No link recorded for this source.'),
    options.verified !== false && s.verifiedFrom?.length
      ? h(
          'details',
          { class: 'verified' },
          h('summary', null, `How this was verified (${s.verifiedFrom.length})`),
          h(
            'ul',
            null,
            s.verifiedFrom.map((v) =>
              h('li', null, h('span', { class: 'tag' }, v.tag), ' ', v.ref, v.note ? ` — ${v.note}` : ''),
            ),
          ),
        )
      : null,
  );
}

/**
 * Confidence as a number, a percentage and a plain-language band. The sentence about support
 * by the cited sources is said only of an answer; for an abstention, a guard's reply or a
 * recommendation list item without status the number and band stand alone.
 */
export function confidenceView(c: number, status: Answer['status'] = 'answered'): HTMLElement {
  const b = confidenceBand(c);
  return h(
    'p',
    { class: 'confidence' },
    status === 'answered' ? 'Confidence: ' : 'Confidence in this response: ',
    h('strong', null, c.toFixed(2)),
    ` (${b.percent}) — `,
    h('span', { class: `band band-${b.band.replace(' ', '-')}` }, b.band),
    status === 'answered' ? `: ${b.words}.` : '.',
  );
}

/** Element id of citation `n` of the answer whose ids start with `prefix`. */
export const citationId = (prefix: string, n: number): string => `${prefix}-cite-${n}`;

/** Answer text with each `[n]` a link to its citation (focus moves there on activation). */
export function citedText(text: string, citations: readonly Citation[], prefix: string): HTMLElement {
  const known = new Set(citations.map((c) => c.n));
  const p = h('p', { class: 'answer-text' });
  for (const part of splitCitations(text, known)) {
    if ('text' in part) p.append(part.text);
    else {
      const id = citationId(prefix, part.cite);
      p.append(
        h(
          'a',
          {
            class: 'cite',
            href: `#${id}`,
            'aria-label': `citation ${part.cite}`,
            // Scroll and focus the citation without changing the screen route in the address bar.
            onclick: (e: Event) => {
              e.preventDefault();
              const target = document.getElementById(id);
              if (target) {
                focusOn(target);
                target.classList.add('flash');
                window.setTimeout(() => target.classList.remove('flash'), 1500);
              }
            },
          },
          `[${part.cite}]`,
        ),
      );
    }
  }
  return p;
}

/** The numbered citation list of an answer. */
export function citationList(
  citations: readonly Citation[],
  prefix: string,
  headingLevel: 'h3' | 'h4',
): HTMLElement {
  if (citations.length === 0) return h('p', { class: 'muted' }, 'No citations.');
  return h(
    'div',
    { class: 'citations' },
    h(headingLevel, null, `Citations (${citations.length})`),
    h(
      'ol',
      { class: 'citation-list' },
      citations.map((c) =>
        h(
          'li',
          { id: citationId(prefix, c.n), tabindex: '-1', value: c.n },
          h(
            'p',
            { class: 'citation-title' },
            h('span', { class: 'cite-n' }, `[${c.n}] `),
            h('strong', null, c.title),
          ),
          h('blockquote', { class: 'excerpt' }, c.excerpt),
          sourceView(c.source),
          c.appliesBecause.length
            ? h('p', null, h('strong', null, 'Applies because: '), c.appliesBecause.join('; '), '.')
            : null,
          c.applicability
            ? h(
                'p',
                null,
                h('strong', null, 'Applicability to this couple: '),
                {
                  met: 'conditions met',
                  'not-met': 'conditions not met',
                  unknown: 'not known from the data given',
                }[c.applicability],
                c.missing?.length ? ` — would be decided by: ${c.missing.join('; ')}` : '',
              )
            : null,
          c.context?.length ? h('p', { class: 'small muted' }, `In: ${c.context.join(' › ')}`) : null,
        ),
      ),
    ),
  );
}

const STATUS_WORDS: Record<Answer['status'], string> = {
  answered: 'Answered',
  'insufficient-evidence': 'Insufficient evidence — no recommendation given',
  'out-of-scope': 'Out of scope',
  urgent: 'URGENT — seek care now',
};

/** A whole answer of `POST /v1/ask` (contracts §6), urgent answers as an alert with the instruction first. */
export function answerView(a: Answer, prefix: string): HTMLElement {
  const body: (HTMLElement | null)[] = [];
  if (a.status === 'urgent') {
    // The alert holds the status and the instruction, first on the screen and read out at once.
    body.push(
      h(
        'div',
        { class: 'urgent', role: 'alert' },
        h(
          'h3',
          { class: 'status-heading', tabindex: '-1' },
          h('span', { 'aria-hidden': 'true' }, '⚠ '),
          STATUS_WORDS[a.status],
        ),
        citedText(a.answer, a.citations, prefix),
      ),
    );
  } else {
    body.push(h('h3', { class: 'status-heading', tabindex: '-1' }, STATUS_WORDS[a.status]));
    body.push(citedText(a.answer, a.citations, prefix));
  }
  if (a.abstention) {
    const ab = a.abstention;
    body.push(
      h(
        'div',
        { class: 'abstention' },
        h('p', null, h('strong', null, 'Why: '), ab.reason),
        ab.lookedFor?.length
          ? h('p', null, h('strong', null, 'Looked for: '), ab.lookedFor.join(', '))
          : null,
        ab.found?.length
          ? h(
              'div',
              null,
              h('p', null, h('strong', null, 'Closest entries found:')),
              h(
                'ul',
                null,
                ab.found.map((f) => h('li', null, f)),
              ),
            )
          : null,
        ab.missing.length
          ? h(
              'div',
              null,
              h('p', null, h('strong', null, 'Data that could change this:')),
              h(
                'ul',
                null,
                ab.missing.map((m) => h('li', null, m)),
              ),
            )
          : null,
      ),
    );
  }
  if (a.conflicts?.length) {
    body.push(
      h(
        'div',
        { class: 'conflicts' },
        h('h4', null, 'Sources disagree'),
        h(
          'ul',
          null,
          a.conflicts.map((c) =>
            h(
              'li',
              null,
              citedText(c.summary, a.citations, prefix),
              h('span', { class: 'small muted' }, `Concept: ${c.concept}`),
            ),
          ),
        ),
      ),
    );
  }
  return h(
    'article',
    { class: `answer answer-${a.status}`, 'data-status': a.status },
    body,
    confidenceView(a.confidence, a.status),
    citationList(a.citations, prefix, 'h4'),
    h(
      'p',
      { class: 'small muted meta' },
      `Knowledge version `,
      h('code', { title: a.kb.version }, shortVersion(a.kb.version)),
      ` · ${a.kb.entries} entries`,
      a.path ? ` · produced by: ${a.path}` : '',
      a.language ? ` · language: ${a.language}` : '',
      ` · ${a.timings.totalMs.toFixed(1)} ms`,
    ),
  );
}

/** A definition list of a record of inputs (`age: 34`, `amh: 1.2`; null shown as "not given"). */
export function inputsView(inputs: Record<string, string | number | boolean | null>): HTMLElement {
  const entries = Object.entries(inputs);
  if (entries.length === 0) return h('p', { class: 'muted' }, 'No inputs.');
  return h(
    'dl',
    { class: 'inputs' },
    entries.map(([k, v]) => [
      h('dt', null, k),
      h('dd', null, v === null ? h('span', { class: 'muted' }, 'not given') : String(v)),
    ]),
  );
}

/** A list of issues (warnings) as returned by the API. */
export function issuesView(
  issues: readonly { code: string; severity: string; message: string; path?: string | undefined }[],
): HTMLElement {
  return h(
    'ul',
    { class: 'issues' },
    issues.map((i) =>
      h(
        'li',
        null,
        h('span', { class: `tag tag-${i.severity}` }, i.severity),
        ' ',
        h('code', null, i.code),
        i.path ? [' at ', h('code', null, displayPath(i.path))] : null,
        `: ${i.message}`,
      ),
    ),
  );
}
