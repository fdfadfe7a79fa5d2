/**
 * @module pipeline/synthesize/extractive
 * The default synthesis: statements taken word for word from the packed evidence, grouped (warning
 * signs, then recommendations, then facts and definitions) and ordered by rank, each with its
 * citation marker. Nothing is written that an entry does not say; the only text we add is about
 * applicability (which of the couple's data an entry depends on), conflicts between sources, and
 * the figure a question asked for that none of the cited entries gives; each cites the entries it
 * is about.
 */
import type { Citation, Statement } from '../../domain/answer.js';
import type { Evidence } from '../../domain/evidence.js';
import { foldTokens } from '../../terminology/text.js';
import type { QuantityKind } from '../understand/quantity.js';

/** What each kind of quantity is called in the note that the evidence does not give it. */
const QUANTITY_NAMES: Record<QuantityKind, string> = {
  dose: 'a dose',
  cost: 'a cost',
  chance: 'a rate or chance',
  level: 'a value or cut-off',
  size: 'a size or thickness',
  duration: 'a length of time',
  count: 'a number',
};

export interface Synthesis {
  statements: Statement[];
  citations: Citation[];
  conflicts: Array<{ concept: string; citations: number[]; summary: string }>;
  answer: string;
}

const KIND_ORDER: Record<Evidence['kind'], number> = {
  'warning-sign': 0,
  recommendation: 1,
  chunk: 2,
  fact: 3,
  definition: 4,
};

const EXCERPT_CHARS = 320;

/** The most question-relevant sentences of a long chunk, within `EXCERPT_CHARS`. */
export function excerptOf(text: string, queryTokens: readonly string[]): string {
  if (text.length <= EXCERPT_CHARS) return text;
  const q = new Set(queryTokens);
  const sentences = text.split(/(?<=[.!?])\s+/);
  const scored = sentences.map((s, i) => ({ s, i, score: foldTokens(s).filter((t) => q.has(t)).length }));
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  const picked: typeof scored = [];
  let len = 0;
  for (const x of scored) {
    if (len + x.s.length > EXCERPT_CHARS && picked.length > 0) break;
    picked.push(x);
    len += x.s.length + 1;
  }
  picked.sort((a, b) => a.i - b.i);
  const joined = picked.map((x) => x.s).join(' ');
  return joined.length > EXCERPT_CHARS ? joined.slice(0, EXCERPT_CHARS - 1).trimEnd() + '…' : joined;
}

function citationOf(e: Evidence, n: number, queryTokens: readonly string[]): Citation {
  const c: Citation = {
    n,
    id: e.key,
    title: e.title,
    excerpt: e.kind === 'chunk' ? excerptOf(e.text, queryTokens) : e.text,
    source: e.source,
    appliesBecause: e.applicability.because,
    applicability: e.applicability.truth,
  };
  if (e.applicability.missing.length > 0) c.missing = e.applicability.missing.map((m) => m.need);
  if (e.context) c.context = e.context;
  return c;
}

/** What findConflicts needs to know of the terminology (run.ts `conflictTerms` builds it). */
export interface ConflictTerms {
  /** Whether a concept is an intervention (treatment, procedure, test): conflicts are about those. */
  isIntervention(concept: string): boolean;
  /** A concept's broader concepts (itself included): sources disagree about their most specific interventions only. */
  ancestors?(concept: string): readonly string[];
  /** The concepts a piece's title names: what its direction is about, when it names an intervention. */
  titleConcepts?(e: Evidence): readonly string[];
}

/**
 * Opposite recommendations about the same intervention from different bodies: one says do (or
 * consider) it, the other says do not. Only interventions count (treatment, procedure, test
 * concepts): an entry's `direction` is about the action it recommends, so for a topic such as
 * smoking "do-not [smoke]" and "do [offer help to stop]" say the same thing. One body never
 * conflicts with itself (a change of mind is a supersession), and an entry written for another
 * situation (applicability not met) does not count.
 */
export function findConflicts(
  evidence: readonly Evidence[],
  focus: readonly string[],
  terms: ConflictTerms,
): Array<{ concept: string; a: number; b: number }> {
  const { isIntervention, ancestors, titleConcepts } = terms;
  const positive = (d: Evidence['direction']): boolean => d === 'do' || d === 'consider';
  // Group by intervention concept, then pair "for" with "against" inside each group: linear in the
  // evidence plus the conflicting pairs, rather than every pair of pieces (recommend can pass
  // thousands in a large bank).
  const groups = new Map<string, { pos: number[]; neg: number[] }>();
  evidence.forEach((e, i) => {
    // Only sources that may apply to this couple can disagree for them.
    if (e.applicability.truth === 'not-met') return;
    const side = positive(e.direction) ? 'pos' : e.direction === 'do-not' ? 'neg' : null;
    if (!side) return;
    // What an entry takes a side on: the interventions its title names, when it names one
    // ("Metformin is not the first choice…" is tagged letrozole too, as the alternative it points
    // to), else every intervention it is tagged with; and of those, not a broad one when a narrower
    // one is there ("letrozole first" and "metformin not first" are both tagged ovulation
    // induction, and do not disagree about it).
    const tagged = e.concepts.filter((c) => isIntervention(c));
    const named = new Set(titleConcepts ? titleConcepts(e) : []);
    const own = [...named].some((c) => isIntervention(c)) ? tagged.filter((c) => named.has(c)) : tagged;
    const broader = new Set(ancestors ? own.flatMap((c) => ancestors(c).filter((a) => a !== c)) : []);
    for (const c of own) {
      if (broader.has(c)) continue;
      const g = groups.get(c) ?? { pos: [], neg: [] };
      g[side].push(i);
      groups.set(c, g);
    }
  });
  const pairs = new Map<string, { concepts: string[]; a: number; b: number }>();
  for (const [concept, g] of groups) {
    for (const i of g.pos) {
      for (const j of g.neg) {
        if (evidence[i]!.source.body === evidence[j]!.source.body) continue;
        const [a, b] = i < j ? [i, j] : [j, i];
        const key = `${a}:${b}`;
        const p = pairs.get(key) ?? { concepts: [], a: a + 1, b: b + 1 };
        p.concepts.push(concept);
        pairs.set(key, p);
      }
    }
  }
  return [...pairs.values()]
    .sort((x, y) => x.a - y.a || x.b - y.b)
    .map((p) => ({ concept: p.concepts.find((c) => focus.includes(c)) ?? p.concepts[0]!, a: p.a, b: p.b }));
}

export function synthesizeExtractive(
  evidence: readonly Evidence[],
  opts: {
    queryTokens: readonly string[];
    focusConcepts: readonly string[];
    conceptLabel: (id: string) => string;
    /** How sources are found to disagree (see findConflicts). */
    conflictTerms: ConflictTerms;
    /** Comparison questions: the option each piece of evidence speaks to (shown as a prefix). */
    sideOf?: ReadonlyMap<string, string>;
    /**
     * Whether a couple's profile was given. Without one, "whether this applies depends on …" notes
     * are left to the citations (`missing`): every conditional entry would otherwise carry one.
     */
    hasProfile?: boolean;
    /**
     * The question asks for a quantity of this kind and none of the evidence gives one: the answer
     * says so, so that a related entry is not read as the figure asked for.
     */
    quantityNotGiven?: QuantityKind | null;
  },
): Synthesis {
  const citations = evidence.map((e, i) => citationOf(e, i + 1, opts.queryTokens));
  const side = (e: Evidence): string | undefined => opts.sideOf?.get(e.key);
  // Comparisons keep the option order (first option's evidence, then the second's); otherwise group by kind.
  const order = evidence
    .map((e, i) => ({ e, n: i + 1 }))
    .sort((a, b) =>
      opts.sideOf && opts.sideOf.size > 0
        ? Number(side(a.e) === undefined) - Number(side(b.e) === undefined) || a.n - b.n
        : KIND_ORDER[a.e.kind] - KIND_ORDER[b.e.kind] || a.n - b.n,
    );
  const statements: Statement[] = [];
  for (const { e, n } of order) {
    const label = side(e);
    statements.push({
      text: (label ? `${label}: ` : '') + citations[n - 1]!.excerpt,
      citations: [n],
      role: 'evidence',
    });
    if (opts.hasProfile === false) continue;
    if (e.applicability.truth === 'unknown' && e.applicability.missing.length > 0) {
      statements.push({
        text: `Whether this applies to you depends on: ${e.applicability.missing.map((m) => m.need).join('; ')}.`,
        citations: [n],
        role: 'applicability',
      });
    } else if (e.applicability.truth === 'not-met') {
      statements.push({
        text: `This is written for a different situation (${e.applicability.against.join('; ')}), so it may not apply to you.`,
        citations: [n],
        role: 'applicability',
      });
    }
  }
  const conflicts = findConflicts(evidence, opts.focusConcepts, opts.conflictTerms).map(
    ({ concept, a, b }) => {
      const ea = evidence[a - 1]!;
      const eb = evidence[b - 1]!;
      const summary =
        `Sources differ on ${opts.conceptLabel(concept)}: ${ea.source.body} ${ea.source.year} [${a}] and ` +
        `${eb.source.body} ${eb.source.year} [${b}] point in opposite directions; discuss this with your clinician.`;
      return { concept, citations: [a, b], summary };
    },
  );
  for (const c of conflicts)
    statements.push({ text: c.summary.replace(/ \[\d+\]/g, ''), citations: c.citations, role: 'conflict' });
  if (opts.quantityNotGiven && citations.length > 0) {
    statements.push({
      text:
        `You asked for ${QUANTITY_NAMES[opts.quantityNotGiven]}: ${citations.length === 1 ? 'this source does' : 'these sources do'} ` +
        'not give one for your question, so ask your clinician for the figure that applies to you.',
      citations: citations.map((c) => c.n),
      role: 'limitation',
    });
  }
  const answer = statements
    .map((s) => `${s.text.trim()} ${s.citations.map((n) => `[${n}]`).join('')}`)
    .join(' ')
    .trim();
  return { statements, citations, conflicts, answer };
}
