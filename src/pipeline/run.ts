/**
 * @module pipeline/run
 * The only file that knows the order of the answer stages:
 *   validate → understand → urgent guard → scope guard → retrieve → rerank → pack →
 *   features + calibrated confidence → abstain or synthesize (extractive, or LLM + verifier) → audit.
 * Stages are functions of their inputs; this file wires them and measures each one's time.
 */
import { performance } from 'node:perf_hooks';
import type { Answer, Citation, Statement } from '../domain/answer.js';
import type { Evidence } from '../domain/evidence.js';
import type { ProfileFacts } from '../domain/facts.js';
import { statedAnalyte, type StatedValue } from './understand/stated-facts.js';
import { IssueError, issue } from '../domain/issues.js';
import { canonicalJson, type KnowledgeSnapshot } from '../kb/bank.js';
import type { KnowledgeEntry } from '../domain/knowledge.js';
import type { EngineConfig } from '../config/index.js';
import type { ChatModel } from '../ports/llm.js';
import type { Glossary } from '../terminology/glossary.js';
import type { Negation } from '../terminology/negation.js';
import type { Vocabulary } from '../terminology/vocabulary.js';
import { computeFeatures, type Features } from './calibrate/features.js';
import { QUANTITY_FRAME_WORDS, quantityAsked, type QuantityKind } from './understand/quantity.js';
import { foldText, foldTokens } from '../terminology/text.js';
import { bodiesNamed } from './understand/bodies.js';
import {
  pairFeatures,
  quantityGiven,
  type PairFeatureName,
  type QuestionContext,
  type RelevanceModel,
} from './rerank/relevance.js';
import { numbersIn } from './synthesize/claims.js';

/** Candidates the learned re-ranker scores when no model says otherwise. */
export const RERANK_TOP_N = 20;
/** Pieces of evidence per option in a comparison question. */
export const COMPARISON_PER_SIDE = 2;
import { calibratorText, type Calibrator } from './calibrate/calibrator.js';
import type { ScopeGuard } from './guard/scope.js';
import { GENERAL_CONCEPT, type UrgentFinding, type UrgentGuard } from './guard/urgent.js';
import type { ScopeDecision } from './guard/scope.js';
import type { LearnedGuards, SCOPE_DENSE, URGENT_DENSE } from './guard/learned.js';
import { pack } from './pack/index.js';
import { rerank } from './rerank/index.js';
import { applicabilityTruth, evaluateApplicability } from './rerank/applicability.js';
import { englishTier, specificity } from '../terminology/english-words.js';
import type { KnowledgeIndex, RetrievalTrace } from './retrieve/knowledge.js';
import { CONTENT_FREE_WORDS } from './retrieve/stopwords.js';
import { findConflicts, synthesizeExtractive, type ConflictTerms } from './synthesize/extractive.js';
import { synthesizeWithLlm } from './synthesize/llm.js';
import type { RemovedSentence } from './synthesize/verify.js';
import { understandQuestion, type UnderstoodQuestion } from './understand/index.js';

export interface PipelineDeps {
  config: EngineConfig;
  vocabulary: Vocabulary;
  negation: Negation;
  urgent: UrgentGuard;
  scope: ScopeGuard;
  llm: ChatModel | null;
  /** Word-level query translation for questions in other languages (clinical/terminology/glossary.yaml). */
  glossary: Glossary;
  /** The learned guard classifiers; null = word-list rules only (training, or before one is trained). */
  learnedGuards: LearnedGuards | null;
  /** The learned relevance re-ranker; null before one is trained (heuristic order only). */
  relevance: RelevanceModel | null;
}

/** One knowledge version and its index, taken once per request. */
export interface Serving {
  snapshot: KnowledgeSnapshot;
  index: KnowledgeIndex;
  newestYear: number;
  /** Published warning-sign entries (what urgent answers cite), in the snapshot's order. */
  warningSigns: readonly KnowledgeEntry[];
  /** Concept → positions in `warningSigns` of the entries tagged with it (ascending). */
  warningSignsByConcept: ReadonlyMap<string, readonly number[]>;
  /** Published recommendations that have applicability conditions (what profiles are matched against). */
  conditional: readonly KnowledgeEntry[];
  /** Concepts some served entry is tagged with (entryAbout adds their broader ones; see topicsWithoutEntry). */
  taggedConcepts: ReadonlySet<string>;
  /** Profile facts (canonical JSON) → keys of entries applicable to that profile; bounded, per snapshot. */
  applicableCache: Map<string, string[]>;
  /** The same, by the facts object (frozen and reused by the engine); weak, so it never grows. */
  applicableByFacts: WeakMap<ProfileFacts, string[]>;
}

/** Everything derived once per knowledge version, besides the index. */
export function makeServing(snapshot: KnowledgeSnapshot, index: KnowledgeIndex): Serving {
  let newest = 0;
  for (const e of snapshot.entries) newest = Math.max(newest, e.source.year);
  for (const c of snapshot.chunks) newest = Math.max(newest, c.source.year);
  const warningSigns = snapshot.entries.filter((e) => e.kind === 'warning-sign');
  const warningSignsByConcept = new Map<string, number[]>();
  warningSigns.forEach((e, i) => {
    for (const c of new Set(e.concepts)) {
      const list = warningSignsByConcept.get(c);
      if (list) list.push(i);
      else warningSignsByConcept.set(c, [i]);
    }
  });
  const taggedConcepts = new Set<string>();
  for (const e of snapshot.entries) for (const c of e.concepts) taggedConcepts.add(c);
  return {
    snapshot,
    index,
    taggedConcepts,
    newestYear: newest || new Date().getFullYear(),
    warningSigns,
    warningSignsByConcept,
    conditional: snapshot.entries.filter((e) => e.kind === 'recommendation' && e.applicability !== undefined),
    applicableCache: new Map(),
    applicableByFacts: new WeakMap(),
  };
}

export interface AskInput {
  question: string;
  facts: ProfileFacts | null;
  /**
   * The profile's facts with the values the question itself states added where the profile has
   * none ("TSH 3.1, could that be why…"; see understand/stated-facts), for evaluating the entries'
   * applicability. Absent when the question states nothing: `facts` is used.
   */
  stated?: { facts: ProfileFacts; read: StatedValue[] };
}

/** What the audit records about how an answer was made (no profile content, only its hash). */
export interface AnswerTrace {
  language: string;
  concepts: string[];
  negatedConcepts: string[];
  /** Values the question stated about the couple, read as facts for applicability. */
  stated: StatedValue[];
  injectionDetected: boolean;
  urgentRule: string | null;
  scope: { inScope: boolean; reason: string; coverage?: number };
  guards: { pUrgent: number | null; pInScope: number | null; version: string | null } | null;
  corrections: Array<[string, string]>;
  retrieval: RetrievalTrace | null;
  rerank: EngineConfig['rerank'];
  packing: EngineConfig['packing'];
  candidates: Array<{ key: string; final: number; fused: number; relevance?: number; applicability: string }>;
  relevanceVersion: string | null;
  features: Features | null;
  probability: number | null;
  threshold: number | null;
  calibratorVersion: string | null;
  llm: { model: string | null; removed: RemovedSentence[]; fallbackReason: string | null } | null;
}

export interface PreparedAnswer {
  understood: UnderstoodQuestion;
  /** Set when a guard decided: the answer is final. */
  final: Answer | null;
  evidence: Evidence[];
  /** Keys of all re-ranked candidates, best first (for retrieval evaluation). */
  ranked: string[];
  /** Whether the question came with a couple's profile. */
  hasProfile: boolean;
  /** For comparison questions: evidence key → the option it speaks to. */
  sideOf: ReadonlyMap<string, string>;
  /** Pair features of the candidates the learned re-ranker scores (for training it). */
  pairs: Array<{ key: string; features: Record<PairFeatureName, number> }>;
  features: Features | null;
  /** The quantity the question asks for when none of the packed evidence gives it (the answer says so). */
  quantityNotGiven: QuantityKind | null;
  /**
   * Conditions, tests, procedures, treatments and topics the question names that no served entry is
   * about (tagged with it or a narrower concept): "I have adenomyosis — does it lower IVF success?",
   * "does acupuncture help IVF?". Whatever the closest entries say is about something else, so the
   * answer abstains (see finish). Lifestyle concepts are left out: long questions mention coffee or
   * yoga in passing beside what they ask. Of the labelled questions outside the held-out part naming
   * one, every one is unanswerable (about 280; 2026-11-26, eighth session).
   */
  topicsWithoutEntry: string[];
  trace: AnswerTrace;
  timings: Record<string, number>;
  started: number;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function validateQuestion(question: unknown, max: number): string {
  if (typeof question !== 'string')
    throw new IssueError([issue('input-invalid', 'question must be a string', { path: 'question' })]);
  const q = question.trim();
  if (q.length === 0)
    throw new IssueError([issue('question-empty', 'the question is empty', { path: 'question' })]);
  if (q.length > max) {
    throw new IssueError([
      issue('question-too-long', `the question has ${q.length} characters; the limit is ${max}`, {
        path: 'question',
      }),
    ]);
  }
  return q;
}

function guardAnswer(
  status: 'urgent' | 'out-of-scope',
  text: string,
  statements: Statement[],
  citations: Citation[],
  serving: Serving,
  language: string,
): Answer {
  return {
    status,
    answer: text,
    statements,
    citations,
    confidence: 1,
    abstention: null,
    kb: { version: serving.snapshot.version, entries: serving.snapshot.entries.length },
    path: 'guard',
    language,
    timings: { totalMs: 0 },
  };
}

/**
 * The first `limit` warning-sign entries (in the snapshot's order) about `concept` or a narrower
 * one; any warning sign for the general concept. Looked up by concept rather than by scanning every
 * warning sign, which took milliseconds per urgent answer in a bank of 200,000 entries.
 */
export function warningSignsFor(
  serving: Serving,
  concept: string,
  deps: Pick<PipelineDeps, 'vocabulary'>,
  limit: number,
): KnowledgeEntry[] {
  if (concept === GENERAL_CONCEPT) return serving.warningSigns.slice(0, limit);
  // Each list is ascending, so the first `limit` overall are among each list's first `limit`.
  const positions = new Set<number>();
  for (const c of [concept, ...deps.vocabulary.descendants(concept)])
    for (const i of (serving.warningSignsByConcept.get(c) ?? []).slice(0, limit)) positions.add(i);
  return [...positions]
    .sort((a, b) => a - b)
    .slice(0, limit)
    .map((i) => serving.warningSigns[i]!);
}

/**
 * Warning-sign evidence minus the entries about something the question denies: tagged with a
 * negated concept and with none of the concepts the question names (or their relatives).
 */
function withoutDeniedWarningSigns(
  ranked: Evidence[],
  understood: UnderstoodQuestion,
  deps: Pick<PipelineDeps, 'vocabulary'>,
): Evidence[] {
  const denied = new Set(understood.negatedConcepts);
  const named = new Set(
    understood.concepts.flatMap((c) => [
      c,
      ...deps.vocabulary.ancestors(c),
      ...deps.vocabulary.descendants(c),
    ]),
  );
  return ranked.filter(
    (e) =>
      e.kind !== 'warning-sign' ||
      !e.concepts.some((c) => denied.has(c)) ||
      e.concepts.some((c) => named.has(c)),
  );
}

/** Everything up to (not including) the abstain/answer decision. Used by `ask` and by calibrator training. */
export function prepare(input: AskInput, serving: Serving, deps: PipelineDeps): PreparedAnswer {
  const started = performance.now();
  const timings: Record<string, number> = {};
  let t = started;
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = round(now - t);
    t = now;
  };
  const question = validateQuestion(input.question, deps.config.limits.maxQuestionChars);
  const understood = understandQuestion(question, {
    vocabulary: deps.vocabulary,
    negation: deps.negation,
    correct: (w) => serving.index.correct(w),
    glossary: deps.glossary,
  });
  lap('understandMs');
  const trace: AnswerTrace = {
    language: understood.language,
    concepts: understood.concepts,
    negatedConcepts: understood.negatedConcepts,
    stated: input.stated?.read ?? [],
    injectionDetected: understood.injection.detected,
    corrections: understood.corrections,
    urgentRule: null,
    scope: { inScope: true, reason: '' },
    guards: null,
    retrieval: null,
    rerank: deps.config.rerank,
    packing: deps.config.packing,
    candidates: [],
    features: null,
    probability: null,
    threshold: null,
    calibratorVersion: null,
    relevanceVersion: deps.relevance?.version ?? null,
    llm: null,
  };

  // A guard's answer is final: nothing is retrieved.
  const guarded = (final: Answer): PreparedAnswer => ({
    understood,
    final,
    evidence: [],
    ranked: [],
    hasProfile: input.facts !== null,
    sideOf: new Map(),
    pairs: [],
    features: null,
    quantityNotGiven: null,
    topicsWithoutEntry: [],
    trace,
    timings,
    started,
  });

  // 1. Urgent signs first, on the question as asked (removing injected sentences must not hide symptoms).
  const questionTerms = serving.index.terms(understood.searchText);
  // For the calibrator's coverage features, the same less content-free words ("another", "now"),
  // which no entry needs to contain for its answer to be supported.
  const contentFree = new Set(
    serving.index.terms(
      understood.searchText
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => CONTENT_FREE_WORDS.has(w))
        .join(' '),
    ),
  );
  const contentTerms = questionTerms.filter((t) => !contentFree.has(t));
  const gs = guardSignals(
    question,
    understood,
    questionTerms,
    input.facts !== null,
    serving,
    deps,
    input.stated?.read ?? [],
  );
  trace.guards = {
    pUrgent: gs.pUrgent === null ? null : round(gs.pUrgent),
    pInScope: gs.pInScope === null ? null : round(gs.pInScope),
    version: deps.learnedGuards?.version ?? null,
  };
  const urgent = gs.urgent;
  lap('guardMs');
  if (urgent) {
    trace.urgentRule = urgent.rule;
    const signs = warningSignsFor(serving, urgent.concept, deps, 3);
    const citations: Citation[] = signs.map((e, i) => ({
      n: i + 1,
      id: `kb:${e.id}`,
      title: e.title,
      excerpt: e.statement,
      source: e.source,
      appliesBecause: [`the question describes: ${urgent.matched.join('; ')}`],
    }));
    const statements: Statement[] = [
      { text: urgent.message, citations: citations.map((c) => c.n), role: 'safety' },
      ...citations.map((c) => ({ text: c.excerpt, citations: [c.n], role: 'evidence' as const })),
    ];
    const text = statements
      .map((s) => `${s.text} ${s.citations.map((n) => `[${n}]`).join('')}`.trim())
      .join(' ');
    return guarded(guardAnswer('urgent', text, statements, citations, serving, understood.language));
  }

  // 2. Scope.
  const scope = gs.scope;
  trace.scope = { inScope: gs.inScope, reason: scope.reason, coverage: round(scope.coverage) };
  if (!gs.inScope) {
    const text =
      'This engine answers questions about fertility, conception, pregnancy and reproductive health only, so it cannot answer this question. ' +
      'For other health concerns please ask a doctor or pharmacist; if you feel unwell now, contact your local emergency services.';
    return guarded(guardAnswer('out-of-scope', text, [], [], serving, understood.language));
  }

  // 3. Retrieve, rerank, pack.
  const concepts = understood.concepts;
  const applicabilityFacts = input.stated?.facts ?? input.facts;
  const profileRanked = applicabilityFacts ? profileApplicable(serving, applicabilityFacts) : [];
  const { candidates, trace: rtrace } = serving.index.search(
    { text: understood.searchText, concepts, profileRanked },
    deps.config.retrieval,
  );
  trace.retrieval = rtrace;
  lap('retrieveMs');
  const reranked = rerank(
    candidates,
    { facts: applicabilityFacts, questionConcepts: concepts, newestYear: serving.newestYear },
    deps.config.rerank,
  );
  // A warning sign the question denies ("no pain, no bleeding, is it normal to feel nothing?") is
  // not its answer: warning-sign entries tagged with a negated concept and none the question names
  // are left out.
  const ranked =
    understood.negatedConcepts.length === 0
      ? reranked
      : withoutDeniedWarningSigns(reranked, understood, deps);
  for (const e of ranked) {
    if (e.kind !== 'chunk') continue;
    const chunk = serving.index.docs.get(e.key)?.chunk;
    const parent = chunk?.parentId ? serving.snapshot.chunkById.get(chunk.parentId) : undefined;
    if (parent) e.parentText = parent.text;
  }
  lap('rerankMs');
  // 4. Question context, learned relevance of the top candidates, packing.
  const english = understood.language === 'en';
  // Question words the bank and terminology never use, and how specific each is in everyday English.
  // An inflection of a bank word ("responders" where the bank says "responder") is not novel: it
  // has the same index term.
  // In another language, a word the glossary translates or the terminology recognised is known
  // there, though the bank never writes it ("mejora", "يؤثر"): counted novel until 2026-11-26, it
  // was the "rarest term" of most foreign questions and never covered, which read as a gap.
  const novel = understood.tokens.filter(
    (w) =>
      w.length > 2 &&
      !/^\d+$/.test(w) &&
      !understood.knownForeignWords.has(w) &&
      !serving.index.knowsWord(w) &&
      !serving.index.terms(w).some((t) => serving.index.vocabularyTerms.has(t)),
  );
  const novelWords = english ? novel.reduce((sum, w) => sum + specificity(w), 0) : 0;
  const nonWord = english && novel.some((w) => w.length >= 5 && englishTier(w) === null);
  const novelTerms = new Set(
    serving.index.terms(novel.filter((w) => !english || specificity(w) > 0).join(' ')),
  );
  // A concept the question names counts as its English label's words too: "a glass of wine while
  // TTC" is about alcohol, whose entries never say "wine" or "TTC".
  const labelTerms = understood.concepts.flatMap((c) => serving.index.terms(deps.vocabulary.label(c)));
  // Everyday words the bank does not use ("worried", "officially") say nothing about coverage.
  const salient = [...new Set([...contentTerms, ...labelTerms])].filter(
    (t) => serving.index.vocabularyTerms.has(t) || novelTerms.has(t),
  );
  let rarest: string | null = null;
  let rarestIdf = -1;
  for (const t of salient) {
    const w = serving.index.vocabularyTerms.has(t) ? serving.index.idf(t) : Infinity;
    if (w > rarestIdf) {
      rarest = t;
      rarestIdf = w;
    }
  }
  // An entry's concept covers a question's when it is the same, broader or narrower. Asked for every
  // concept of every candidate, so each question concept's relatives are gathered once as a set.
  const related = new Map<string, ReadonlySet<string>>();
  const relatedConcepts = (qcpt: string): ReadonlySet<string> => {
    let r = related.get(qcpt);
    if (!r) {
      r = new Set([qcpt, ...deps.vocabulary.ancestors(qcpt), ...deps.vocabulary.descendants(qcpt)]);
      related.set(qcpt, r);
    }
    return r;
  };
  const questionNumbers = numbersIn(understood.text);
  const conceptIdfs = new Map<string, number>();
  const qc: QuestionContext = {
    terms: salient,
    idf: (t) => serving.index.idf(t),
    bankHasTerm: (t) => serving.index.vocabularyTerms.has(t),
    rarest,
    years: questionNumbers.filter((v) => /^\d{4}$/.test(v) && Number(v) >= 1900 && Number(v) <= 2100),
    // On the question as written, punctuation kept: a quantity noun asks only in a questioning clause.
    quantity: quantityAsked(foldText(understood.text), understood.language),
    // On the question as written: spelling correction turns "considera" into "consider".
    asksDefinition: understood.asksDefinition,
    bodies: bodiesNamed(understood.text),
    questionNumbers: new Set(questionNumbers),
    quantityFrame: quantityFrameTerms(serving.index),
    english,
    novelWords,
    nonWord,
    concepts,
    // Entries tagged with the concept or naming it, or a narrower one ("infertility" is named in
    // few entries, its kinds in many).
    conceptIdf: (c) => {
      // Asked for every candidate: worked out once per concept of the question.
      let w = conceptIdfs.get(c);
      if (w === undefined) {
        const speaking = deps.vocabulary
          .descendants(c)
          .reduce((n, d) => n + serving.index.conceptMentionCount(d), serving.index.conceptMentionCount(c));
        w = Math.log(1 + serving.index.docs.size / (1 + speaking));
        conceptIdfs.set(c, w);
      }
      return w;
    },
    covers: (ec, qcpt) => relatedConcepts(qcpt).has(ec),
    termsOfText: (text) => serving.index.terms(text),
    numbersOf: (key) => serving.index.numbersOf(key),
    sentencesOf: (key) => serving.index.sentencesOf(key),
  };
  const topN = deps.relevance?.topN ?? RERANK_TOP_N;
  const head = ranked.slice(0, topN);
  const bySignal = new Map(candidates.map((c) => [c.doc.key, c] as const));
  const norms = {
    maxLexical: candidates.reduce((m, c) => Math.max(m, c.lexical), 0),
    maxFused: candidates.reduce((m, c) => Math.max(m, c.fused), 0),
  };
  const scorePair = (e: Evidence): Record<PairFeatureName, number> => {
    const c = bySignal.get(e.key)!;
    const features = pairFeatures(qc, e, c, norms, {
      text: serving.index.termsOf(e.key),
      focus: serving.index.focusTermsOf(e.key),
    });
    if (deps.relevance) e.scores.relevance = deps.relevance.probability(features);
    return features;
  };
  // Training pairs: the heuristic top N. With a model, every candidate is scored, so that evidence
  // shown (including comparison picks from further down) is on one scale.
  const pairs = head.map((e) => ({ key: e.key, features: scorePair(e) }));
  let ordered = ranked;
  if (deps.relevance) {
    // Below the heuristic top N the model is not consulted: those candidates count as not relevant
    // (relevance 0), which keeps every packed piece on one scale. Comparison picks from there are
    // scored when picked.
    for (const e of ranked.slice(topN)) e.scores.relevance = 0;
    // Stable: equal probabilities keep the heuristic order.
    ordered = ranked
      .map((e, i) => ({ e, i }))
      .sort((a, b) => b.e.scores.relevance! - a.e.scores.relevance! || a.i - b.i)
      .map((x) => x.e);
  }
  trace.candidates = ordered.slice(0, 10).map((e) => ({
    key: e.key,
    final: round(e.scores.final),
    fused: round(e.scores.fused),
    ...(e.scores.relevance !== undefined ? { relevance: round(e.scores.relevance) } : {}),
    applicability: e.applicability.truth,
  }));
  lap('relevanceMs');
  const score = (e: Evidence): number => e.scores.relevance ?? e.scores.final;
  const best = ordered[0] ? score(ordered[0]) : 0;
  let eligible = ordered.filter((e) => score(e) >= best * deps.config.packing.relativeCutoff);
  // A comparison ("IUI or IVF?") needs evidence on each option: the best entries about each side's
  // first option that do not exclude this couple, interleaved ahead of the rest.
  const sideOf = new Map<string, string>();
  if (understood.comparison) {
    const picks: Evidence[][] = understood.comparison.sides.map((side) => {
      const primary = side[0]!;
      const about = (e: Evidence): boolean =>
        e.concepts.some((c) => c === primary || deps.vocabulary.ancestors(c).includes(primary));
      // Warning signs are not an option's evidence (they are cited when someone describes them).
      return ordered
        .filter((e) => about(e) && e.kind !== 'warning-sign' && e.applicability.truth !== 'not-met')
        .slice(0, COMPARISON_PER_SIDE);
    });
    const first: Evidence[] = [];
    for (let i = 0; i < COMPARISON_PER_SIDE; i++) {
      picks.forEach((list, s) => {
        const e = list[i];
        if (e && !first.includes(e)) {
          first.push(e);
          sideOf.set(e.key, deps.vocabulary.displayName(understood.comparison!.sides[s]![0]!));
        }
      });
    }
    for (const e of first) if (deps.relevance && e.scores.relevance === 0) scorePair(e);
    eligible = [...first, ...eligible.filter((e) => !first.includes(e))];
  }
  const packed = pack(eligible, deps.config.packing).evidence;
  lap('packMs');

  // 5. Features for the calibrator, on the evidence in relevance order (comparisons reorder what is shown).
  const byScore = [...packed].sort((a, b) => score(b) - score(a));
  const features = computeFeatures({
    evidence: byScore,
    questionConcepts: concepts,
    covers: qc.covers,
    questionTerms: contentTerms,
    evidenceTerms: byScore.map((e) => serving.index.termsOf(e.key)),
    evidenceFocus: byScore.map((e) => serving.index.focusTermsOf(e.key)),
    novelTerms,
    bankHasTerm: qc.bankHasTerm,
    idf: qc.idf,
    novelWords,
    nonWord,
    bankMentions: (c) => serving.index.bankMentions(c),
    english,
    questionText: understood.text,
    numbersOf: qc.numbersOf,
    quantityMissing: qc.quantity !== null && !byScore.slice(0, 3).some((e) => quantityGiven(qc, e)),
    hasProfile: input.facts !== null,
    conflict: findConflicts(packed, concepts, conflictTerms(deps)).length > 0,
  });
  trace.features = features;
  lap('featuresMs');
  return {
    understood,
    final: null,
    evidence: packed,
    ranked: ordered.map((e) => e.key),
    hasProfile: input.facts !== null,
    sideOf,
    pairs,
    features,
    quantityNotGiven: qc.quantity !== null && !packed.some((e) => quantityGiven(qc, e)) ? qc.quantity : null,
    topicsWithoutEntry: understood.concepts.filter(
      (c) => TOPIC_KINDS.has(deps.vocabulary.kindOf(c) ?? '') && !entryAbout(serving, deps, c),
    ),
    trace,
    timings,
    started,
  };
}

/** Kinds of concept a question can be about that the bank must have an entry on (topicsWithoutEntry). */
const TOPIC_KINDS = new Set(['condition', 'test', 'procedure', 'treatment', 'topic']);

// Per knowledge version and vocabulary: the concepts some entry is about, with their broader ones.
const aboutMemo = new WeakMap<ReadonlySet<string>, WeakMap<object, ReadonlySet<string>>>();
/** Whether some served entry is tagged with `concept` or a narrower concept. */
function entryAbout(serving: Serving, deps: PipelineDeps, concept: string): boolean {
  let byVocabulary = aboutMemo.get(serving.taggedConcepts);
  if (!byVocabulary) aboutMemo.set(serving.taggedConcepts, (byVocabulary = new WeakMap()));
  let about = byVocabulary.get(deps.vocabulary);
  if (!about) {
    const all = new Set<string>();
    for (const c of serving.taggedConcepts) {
      all.add(c);
      for (const a of deps.vocabulary.ancestors(c)) all.add(a);
    }
    byVocabulary.set(deps.vocabulary, (about = all));
  }
  return about.has(concept);
}

// The frame words of quantitative questions as index terms (stemmed by the bank's analyzer), once per index.
const frameTermsOf = new WeakMap<object, ReadonlySet<string>>();
function quantityFrameTerms(index: { terms(text: string): string[] }): ReadonlySet<string> {
  let t = frameTermsOf.get(index);
  // Both the analyzed terms and the words as written: translated terms ("après" → "after") can
  // reach the question's terms without passing the analyzer's stop-word list.
  if (!t)
    frameTermsOf.set(
      index,
      (t = new Set([...index.terms(QUANTITY_FRAME_WORDS.join(' ')), ...QUANTITY_FRAME_WORDS])),
    );
  return t;
}

export interface GuardSignals {
  urgent: UrgentFinding | null;
  /**
   * In scope whatever the classifier says: the question names an unambiguous concept of a couple's
   * care (`scope.decisive`), or states a value of an analyte that names one (see guardSignals).
   */
  decisive: boolean;
  urgentDense: Record<(typeof URGENT_DENSE)[number], number>;
  pUrgent: number | null;
  scope: ScopeDecision;
  scopeDense: Record<(typeof SCOPE_DENSE)[number], number>;
  pInScope: number | null;
  inScope: boolean;
}

/**
 * The guards' decision: word-list rules, and — when trained — the learned classifiers, which see
 * the rule results as features and decide. Exported for guard training, which must compute exactly
 * the same features.
 */
export function guardSignals(
  question: string,
  understood: UnderstoodQuestion,
  questionTerms: readonly string[],
  hasProfile: boolean,
  serving: Serving,
  deps: PipelineDeps,
  stated: readonly StatedValue[] = [],
): GuardSignals {
  const rule = deps.urgent.check(question, understood.language);
  const sig = deps.urgent.signals(question);
  const urgentDense = {
    ruleUrgent: rule ? 1 : 0,
    partialGroups: sig.partialGroups,
    presentCue: sig.presentCue ? 1 : 0,
  };
  const scope = deps.scope.check(understood, hasProfile, serving.index.coverage(questionTerms));
  const scopeDense = {
    specificTerms: Math.min(3, scope.counts.specificTerms),
    strongWords: Math.min(3, scope.counts.strongWords),
    weakWords: Math.min(3, scope.counts.weakWords),
    generalConcepts: Math.min(3, scope.counts.generalConcepts),
    bankCoverageEn: understood.language === 'en' ? scope.coverage : 0,
    nonEnglish: understood.language === 'en' ? 0 : 1,
    ruleInScope: scope.inScope ? 1 : 0,
    // Another species counts only where no concept of the terminology ties the question to a
    // couple's care: "cleaning the cat litter during IVF" names IVF, "our cat is pregnant" names none,
    // "basically infertile" soil only a concept said of soil as readily (speciesAmbiguousConcepts).
    otherSpecies: scope.counts.careTermsBesideSpecies > 0 ? 0 : Math.min(3, scope.counts.otherSpecies),
    // The bank's coverage says nothing of a question in another language; how much of it the
    // terminology and glossary know says the same thing there.
    knownShareForeign: understood.language === 'en' ? 0 : understood.knownShare,
    // Someone other than the couple (a parent, a child, a boss), with no concept of a couple's care.
    otherPerson: Math.min(3, scope.counts.otherPerson),
    // An organ or aim of general medicine (the liver, blood pressure), on the same condition.
    otherHealth: Math.min(3, scope.counts.otherHealth),
  };
  const lg = deps.learnedGuards;
  const pUrgent = lg ? lg.pUrgent(question, urgentDense) : null;
  const pInScope = lg ? lg.pInScope(question, scopeDense) : null;
  // A question naming an unambiguous reproductive-health concept ("AMH", "artificial oocyte
  // activation", "metformin … miscarriage" is not one: metformin and "aborto" have other senses) is
  // in scope whatever the classifier's words say: it refused "so what is an AMH test actually useful
  // for then?" on its chatty wording (scope.yaml `ambiguousConcepts`).
  // Animal breeding is out of scope whatever the classifier says (scope.ts, `aboutAnimal`).
  // A value the question states of an analyte of a couple's care ("my SA says concentration 13
  // million/ml, is that low?") ties it to reproductive health as firmly as the analyte's name: the
  // stated-facts reader found the number with its unit, which no other sense of the words has. It was
  // refused, naming no concept. An animal named leaves it to the classifier.
  const statedCare = deps.scope.careTerms(
    stated.map(statedAnalyte).filter((id): id is string => id !== null),
  );
  // A question sent with the couple's profile comes from their care. When it names anything of
  // reproductive health — a concept of the terminology (even one general medicine shares: weight,
  // "all tests normal"), a reproductive or care word — or the word-list rule finds it on topic with
  // the profile as context, and nothing names an animal, another person or an organ of general
  // medicine, the classifier's reading of its wording does not overrule it: "every test came back
  // normal... so whats the next step for us?" (with an unexplained-infertility intake) and "is my
  // weight maybe why my cycles are all over the place and no bfp?" (with an underweight one) were
  // refused (2026-11-26, ninth session). Every labelled question sent with a profile, outside the
  // held-out part, is in scope (232). The classifier learns from questions alone, without profiles,
  // and still decides a profile's question that names nothing ("what is the capital of France?").
  const c = scope.counts;
  const namesReproductiveHealth =
    understood.concepts.length + understood.negatedConcepts.length > 0 ||
    c.strongWords + c.weakWords + c.generalConcepts + c.specificTerms > 0 ||
    (scope.inScope && understood.language === 'en');
  const profileContext =
    hasProfile &&
    namesReproductiveHealth &&
    c.otherSpecies === 0 &&
    c.otherPerson === 0 &&
    c.otherHealth === 0;
  const decisive = scope.decisive || profileContext || (statedCare.length > 0 && c.otherSpecies === 0);
  const inScope = lg
    ? !scope.aboutAnimal && (decisive || pInScope! >= lg.scopeThreshold)
    : scope.inScope || (decisive && !scope.aboutAnimal);
  let urgent = rule;
  if (lg && pUrgent! >= lg.urgentThreshold && !rule) {
    // The classifier flags a warning sign that no rule names. When not one phrase of any rule is in
    // the question either (a "general" finding) and the scope guard finds it off-topic, the words it
    // reacted to are not a fertility warning sign ("sprained my ankle, it is swollen — ice or heat?"):
    // the question is refused as out of scope instead. Any phrase of a rule keeps it urgent.
    const closest = deps.urgent.closest(question, understood.language);
    urgent = closest.matched.length === 0 && !inScope ? null : closest;
  } else if (lg && pUrgent! < lg.urgentThreshold) urgent = null;
  return { urgent, decisive, urgentDense, pUrgent, scope, scopeDense, pInScope, inScope };
}

const INTERVENTION_KINDS = new Set(['treatment', 'procedure', 'test']);
const titleConceptsMemo = new WeakMap<object, Map<string, readonly string[]>>();
/** The concepts a knowledge entry's title names (memoised per vocabulary: titles are fixed per bank). */
function titleConcepts(deps: PipelineDeps, title: string): readonly string[] {
  let memo = titleConceptsMemo.get(deps.vocabulary);
  if (!memo) titleConceptsMemo.set(deps.vocabulary, (memo = new Map()));
  let c = memo.get(title);
  if (!c) {
    if (memo.size > 50_000) memo.clear();
    c = [...new Set(deps.vocabulary.matcher.match(foldTokens(title)).map((m) => m.id))];
    memo.set(title, c);
  }
  return c;
}

/** The terminology's answers findConflicts needs, for answers and recommendations alike. */
export function conflictTerms(deps: PipelineDeps): ConflictTerms {
  return {
    isIntervention: (c) => isIntervention(deps, c),
    ancestors: (c) => deps.vocabulary.ancestors(c),
    titleConcepts: (e) => titleConcepts(deps, e.title),
  };
}

/** Whether a concept is something one does (treatment, procedure, test) — what conflicts are about. */
function isIntervention(deps: PipelineDeps, concept: string): boolean {
  return INTERVENTION_KINDS.has(deps.vocabulary.kindOf(concept) ?? '');
}

/** Recommendation entries whose (non-empty) applicability the profile meets, most specific first. */
const APPLICABLE_CACHE_SIZE = 256;

function profileApplicable(serving: Serving, facts: ProfileFacts): string[] {
  // A clinician asks several questions about one couple: the match against every conditional
  // entry is computed once per (knowledge version, profile). The engine keeps a couple's facts
  // as one frozen object per intake, so the object itself is tried first, before its canonical text.
  const same = serving.applicableByFacts.get(facts);
  if (same) return same;
  const key = canonicalJson(facts);
  const hit = serving.applicableCache.get(key);
  if (hit) {
    serving.applicableByFacts.set(facts, hit);
    return hit;
  }
  const out: Array<{ key: string; n: number }> = [];
  for (const e of serving.conditional) {
    if (applicabilityTruth(e.applicability, facts) !== 'met') continue;
    const a = evaluateApplicability(e.applicability, facts);
    out.push({ key: `kb:${e.id}`, n: a.because.length });
  }
  const keys = out.sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : 1)).map((x) => x.key);
  if (serving.applicableCache.size >= APPLICABLE_CACHE_SIZE) serving.applicableCache.clear();
  serving.applicableCache.set(key, keys);
  serving.applicableByFacts.set(facts, keys);
  return keys;
}

function abstention(
  p: PreparedAnswer,
  deps: PipelineDeps,
  probability: number,
): NonNullable<Answer['abstention']> {
  const f = p.features!;
  const lookedFor = p.understood.concepts.map((c) => deps.vocabulary.label(c));
  const found = p.evidence.slice(0, 3).map((e) => e.title);
  const missing = [...new Set(p.evidence.flatMap((e) => e.applicability.missing.map((m) => m.need)))];
  const parts: string[] = [];
  if (p.evidence.length === 0) parts.push('no entry of the knowledge bank matches this question');
  else if (p.topicsWithoutEntry.length > 0)
    parts.push(
      `no entry of the knowledge bank is about ${p.topicsWithoutEntry.map((c) => deps.vocabulary.label(c)).join(', ')}`,
    );
  else {
    if (f.nonWordEn)
      parts.push(
        'the question names something (a product or drug name?) that the knowledge bank never mentions',
      );
    else if (f.novelWordsEn >= 1)
      parts.push('the question is about something the knowledge bank never mentions');
    if (f.conceptsAbsentFromBank > 0)
      parts.push('no entry of the knowledge bank is about one of the topics of the question');
    if (f.unmatchedYears > 0)
      parts.push(
        'the question names a year (a guideline edition or study) that none of the closest entries has',
      );
    if (!f.rarestTermCovered) parts.push("the question's most specific term is not in the closest entries");
    if (f.missingQuantity) parts.push('the question asks for a number that the closest entries do not give');
    if (f.conceptCoverage < 1 && lookedFor.length > 0)
      parts.push('the closest entries do not cover every topic of the question');
    if (f.conflict) parts.push('the closest sources disagree');
    if (parts.length === 0) parts.push('the closest entries do not answer this question closely enough');
  }
  return {
    reason: `Not enough evidence to answer: ${parts.join('; ')} (estimated probability that an answer would be supported: ${round(probability)}).`,
    lookedFor: lookedFor.length > 0 ? lookedFor : [p.understood.text.slice(0, 120)],
    found,
    missing,
  };
}

/** Decide and write the answer. `calibrator` is required here (training uses `prepare` only). */
export async function finish(
  p: PreparedAnswer,
  serving: Serving,
  deps: PipelineDeps,
  calibrator: Calibrator,
  signal?: AbortSignal,
): Promise<Answer> {
  const kb = { version: serving.snapshot.version, entries: serving.snapshot.entries.length };
  if (p.final) {
    p.final.timings = { ...p.timings, totalMs: round(performance.now() - p.started) };
    return p.final;
  }
  // No evidence, or none about a topic the question names (topicsWithoutEntry): nothing could support an answer.
  const probability =
    p.evidence.length === 0 || p.topicsWithoutEntry.length > 0
      ? 0
      : calibrator.probability(p.features!, calibratorText(p.understood));
  p.trace.probability = round(probability);
  p.trace.threshold = calibrator.threshold;
  p.trace.calibratorVersion = calibrator.version;
  if (p.evidence.length === 0 || probability < calibrator.threshold) {
    const a = abstention(p, deps, probability);
    const text =
      'There is not enough evidence in the knowledge bank to answer this question, so no recommendation is given. ' +
      (a.missing.length > 0 ? `Information that could change this: ${a.missing.join('; ')}. ` : '') +
      'Please discuss it with your fertility clinician.';
    return {
      status: 'insufficient-evidence',
      answer: text,
      statements: [],
      citations: [],
      confidence: round(1 - probability),
      abstention: a,
      kb,
      path: 'extractive',
      language: p.understood.language,
      timings: { ...p.timings, totalMs: round(performance.now() - p.started) },
    };
  }
  const focus = p.understood.concepts;
  const extractive = synthesizeExtractive(p.evidence, {
    queryTokens: p.understood.tokens,
    focusConcepts: focus,
    conceptLabel: (id) => deps.vocabulary.displayName(id),
    sideOf: p.sideOf,
    hasProfile: p.hasProfile,
    conflictTerms: conflictTerms(deps),
    quantityNotGiven: p.quantityNotGiven,
  });
  let statements = extractive.statements;
  let answerText = extractive.answer;
  let path: Answer['path'] = 'extractive';
  const t0 = performance.now();
  if (deps.config.synthesis.mode === 'llm' && deps.llm && deps.config.synthesis.llm) {
    const s = deps.config.synthesis.llm;
    const r = await synthesizeWithLlm(deps.llm, p.understood.text, p.evidence, deps.vocabulary, s, signal);
    p.trace.llm = { model: r.model, removed: r.removed, fallbackReason: r.ok ? null : r.reason };
    if (r.ok) {
      // Conflicts, applicability and limitation notes from the extractive pass stay: ours and cited.
      statements = [
        ...r.statements,
        ...extractive.statements.filter(
          (x) => x.role === 'conflict' || x.role === 'applicability' || x.role === 'limitation',
        ),
      ];
      answerText = statements.map((x) => `${x.text} ${x.citations.map((n) => `[${n}]`).join('')}`).join(' ');
      path = 'llm';
    } else path = 'llm-fallback';
  }
  p.timings.synthesizeMs = round(performance.now() - t0);
  const answer: Answer = {
    status: 'answered',
    answer: answerText,
    statements,
    citations: extractive.citations,
    confidence: round(probability),
    abstention: null,
    kb,
    path,
    language: p.understood.language,
    timings: { ...p.timings, totalMs: round(performance.now() - p.started) },
  };
  if (extractive.conflicts.length > 0) answer.conflicts = extractive.conflicts;
  return answer;
}
