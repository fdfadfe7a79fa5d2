/**
 * @module pipeline/recommend
 * `recommend(intake)`: the recommendations written for this couple. A knowledge entry is
 * recommended when its applicability conditions are all met by the couple's profile facts (no
 * unknowns: an entry that might apply is reported through `missing`, never as a recommendation),
 * ranked by how specific the match is (conditions met), the source's own grading and recency.
 * Conflicting recommendations (opposite directions from different bodies on a shared concept)
 * are shown side by side with a cited note.
 */
import { performance } from 'node:perf_hooks';
import type { Citation, Statement } from '../domain/answer.js';
import type { Evidence } from '../domain/evidence.js';
import type { Condition, KnowledgeEntry } from '../domain/knowledge.js';
import type { ProfileFacts } from '../domain/facts.js';
import type { CoupleProfile } from '../domain/profile.js';
import { applicabilityTruth, evaluateApplicability } from './rerank/applicability.js';
import { strengthRank } from './rerank/index.js';
import { conflictTerms, type PipelineDeps, type Serving } from './run.js';
import { findConflicts } from './synthesize/extractive.js';

export interface RecommendationItem {
  status: 'answered';
  answer: string;
  statements: Statement[];
  citations: Citation[];
  /** 1 when every applicability condition is met by the couple's own data (see docs/answering.md). */
  confidence: number;
  appliesBecause: string[];
  kind: string;
  /** Ids of other recommendations this one conflicts with. */
  conflictsWith?: string[];
}

function leafCount(c: Condition | undefined): number {
  if (!c) return 0;
  if ('fact' in c) return 1;
  if ('all' in c) return c.all.reduce((s, x) => s + leafCount(x), 0);
  if ('any' in c) return Math.max(...c.any.map(leafCount));
  return leafCount(c.not);
}

export function recommendFor(
  profile: CoupleProfile,
  facts: ProfileFacts,
  serving: Serving,
  deps: PipelineDeps,
): {
  recommendations: RecommendationItem[];
  /** How many recommendations applied before the list was cut to `recommend.maxItems`. */
  applicable: number;
  profile: CoupleProfile;
  kb: { version: string; entries: number };
  missing: CoupleProfile['missing'];
  timings: { totalMs: number };
} {
  const t0 = performance.now();
  // In a large bank thousands of entries can apply; only the best `maxItems` are shown, so they are
  // kept in a small sorted list as the scan goes, and only their reasons are written out.
  const maxItems = deps.config.recommend.maxItems;
  const best: Array<{ e: KnowledgeEntry; score: number }> = [];
  const before = (a: { e: KnowledgeEntry; score: number }, b: { e: KnowledgeEntry; score: number }) =>
    b.score - a.score || (a.e.id < b.e.id ? -1 : 1);
  let applicable = 0;
  for (const e of serving.conditional) {
    if (applicabilityTruth(e.applicability, facts) !== 'met') continue;
    applicable++;
    const recent = serving.newestYear - e.source.year <= deps.config.rerank.recentYears ? 1 : 0;
    const item = { e, score: leafCount(e.applicability) + strengthRank(e.source) * 0.5 + recent * 0.25 };
    if (best.length === maxItems && before(item, best[maxItems - 1]!) >= 0) continue;
    let i = best.length;
    while (i > 0 && before(item, best[i - 1]!) < 0) i--;
    best.splice(i, 0, item);
    if (best.length > maxItems) best.pop();
  }
  const scored = best.map(({ e, score }) => ({
    e,
    score,
    because: evaluateApplicability(e.applicability, facts).because,
  }));

  const asEvidence = (e: KnowledgeEntry, because: string[]): Evidence => ({
    key: `kb:${e.id}`,
    kind: e.kind,
    title: e.title,
    text: e.statement,
    clinicianText: e.clinicianStatement,
    concepts: e.concepts,
    direction: e.direction,
    source: e.source,
    applicability: { truth: 'met', because, against: [], missing: [] },
    scores: { lexical: 0, concept: 0, fused: 0, final: 0 },
    strengthRank: strengthRank(e.source),
  });
  const evidence = scored.map((s) => asEvidence(s.e, s.because));
  const conflicts = findConflicts(evidence, [], conflictTerms(deps));
  // Each item's conflicting entries, in the order of `conflicts`: one pass over the pairs instead of
  // a scan of every pair for every item (quadratic in the number of applicable recommendations).
  const conflictsOf = new Map<number, KnowledgeEntry[]>();
  const addConflict = (item: number, other: number): void => {
    const list = conflictsOf.get(item) ?? [];
    if (list.length === 0) conflictsOf.set(item, list);
    list.push(scored[other - 1]!.e);
  };
  for (const c of conflicts) {
    addConflict(c.a, c.b);
    addConflict(c.b, c.a);
  }
  const items: RecommendationItem[] = scored.map(({ e, because }, i) => {
    const n = 1;
    const citation: Citation = {
      n,
      id: `kb:${e.id}`,
      title: e.title,
      excerpt: e.statement,
      source: e.source,
      appliesBecause: because,
      applicability: 'met',
    };
    const statements: Statement[] = [{ text: e.statement, citations: [n], role: 'evidence' }];
    const others = conflictsOf.get(i + 1) ?? [];
    const citations = [citation];
    if (others.length > 0) {
      others.forEach((o, k) =>
        citations.push({
          n: k + 2,
          id: `kb:${o.id}`,
          title: o.title,
          excerpt: o.statement,
          source: o.source,
          appliesBecause: [],
          applicability: 'met',
        }),
      );
      statements.push({
        text: `Other sources point the other way on this (${others.map((o) => `${o.source.body} ${o.source.year}`).join(', ')}); discuss it with your clinician.`,
        citations: others.map((_, k) => k + 2),
        role: 'conflict',
      });
    }
    const item: RecommendationItem = {
      status: 'answered',
      answer: statements.map((s) => `${s.text} ${s.citations.map((x) => `[${x}]`).join('')}`).join(' '),
      statements,
      citations,
      confidence: 1,
      appliesBecause: because,
      kind: e.kind,
    };
    if (others.length > 0) item.conflictsWith = others.map((o) => `kb:${o.id}`);
    return item;
  });
  return {
    recommendations: items,
    applicable,
    profile,
    kb: { version: serving.snapshot.version, entries: serving.snapshot.entries.length },
    missing: profile.missing,
    timings: { totalMs: Math.round((performance.now() - t0) * 1000) / 1000 },
  };
}
