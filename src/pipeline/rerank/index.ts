/**
 * @module pipeline/rerank
 * Re-ranking by clinical relevance (issue 5 item 3): top-k by similarity is not top-k by clinical
 * relevance. Each fused candidate becomes `Evidence` with
 *  - how its applicability conditions meet this couple's profile (met / not met / unknown, and
 *    which data is missing) — a multiplier on the retrieval score;
 *  - the source's own grading (strong/high > moderate/conditional > weak/low > none);
 *  - recency relative to the newest source in the bank;
 *  - a bonus when the entry is tagged with a concept the question names.
 * Superseded and withdrawn entries never reach this stage (the snapshot only serves published
 * entries). Every weight is named in config and echoed in the audit.
 */
import type { Evidence } from '../../domain/evidence.js';
import type { ProfileFacts } from '../../domain/facts.js';
import type { Source } from '../../domain/source.js';
import type { Candidate } from '../retrieve/knowledge.js';
import { evaluateApplicability } from './applicability.js';

export interface RerankSettings {
  applicability: { met: number; unknown: number; notMet: number };
  strengthBonus: number;
  recencyBonus: number;
  recentYears: number;
  conceptBonus: number;
}

// Source gradings as written by the bodies we cite (ASRM levels, GRADE, ESHRE strong/conditional,
// good practice points). Order only: 3 strongest … 0 ungraded. Matched on folded lower-case text.
const GRADE_WORDS: Array<[RegExp, number]> = [
  [/\b(strong|grade a|level i\b|high)\b/, 3],
  [/\b(moderate|conditional|grade b|level ii\b|fair)\b/, 2],
  [/\b(weak|low|very low|grade c|level iii|good practice|gpp|consensus|insufficient)\b/, 1],
];

// Sources are immutable parts of a snapshot: each one's rank is read once, not once per question.
const rankOfSource = new WeakMap<Source, number>();

/** 0 (ungraded) … 3 (strong / high certainty), from the source's own strength and certainty. */
export function strengthRank(source: Source): number {
  let rank = rankOfSource.get(source);
  if (rank === undefined) {
    rank = gradeOf(`${source.strength ?? ''} ${source.certainty ?? ''}`.toLowerCase());
    rankOfSource.set(source, rank);
  }
  return rank;
}

function gradeOf(text: string): number {
  for (const [re, rank] of GRADE_WORDS) if (re.test(text)) return rank;
  return 0;
}

export function rerank(
  candidates: readonly Candidate[],
  ctx: { facts: ProfileFacts | null; questionConcepts: readonly string[]; newestYear: number },
  s: RerankSettings,
): Evidence[] {
  const maxFused = candidates.reduce((m, c) => Math.max(m, c.fused), 0) || 1;
  const focus = new Set(ctx.questionConcepts);
  const out: Evidence[] = candidates.map((c) => {
    const d = c.doc;
    const source = d.entry ? d.entry.source : d.chunk!.source;
    const app = evaluateApplicability(d.entry?.applicability, ctx.facts);
    const mult =
      app.truth === 'met'
        ? s.applicability.met
        : app.truth === 'unknown'
          ? s.applicability.unknown
          : s.applicability.notMet;
    const rank = strengthRank(source);
    const recent = ctx.newestYear - source.year <= s.recentYears ? 1 : 0;
    const conceptHit = d.concepts.some((x) => focus.has(x)) ? 1 : 0;
    const final =
      (c.fused / maxFused) * mult +
      rank * s.strengthBonus +
      recent * s.recencyBonus +
      conceptHit * s.conceptBonus;
    const e: Evidence = {
      key: d.key,
      kind: d.entry ? d.entry.kind : 'chunk',
      title: d.title,
      text: d.statement,
      clinicianText: d.entry ? d.entry.clinicianStatement : d.statement,
      concepts: d.concepts,
      direction: d.entry ? d.entry.direction : 'neutral',
      source,
      applicability: app,
      scores: { lexical: c.lexical, concept: c.concept, fused: c.fused, final },
      strengthRank: rank,
    };
    if (d.chunk) e.context = d.chunk.headingPath;
    return e;
  });
  return out.sort((a, b) => b.scores.final - a.scores.final || (a.key < b.key ? -1 : 1));
}
