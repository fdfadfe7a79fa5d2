/**
 * @module engine
 * `createEngine(config)`: the composition root for library users, the CLI and the HTTP service.
 * It loads the knowledge bank (hot-swappable), the terminology, the guards and the confidence
 * calibrator once, and answers with `ask`, `recommend` and `profile`.
 *
 * @example
 * const engine = await createEngine();
 * const answer = await engine.ask('Should we try IUI with stimulation or go to IVF?', { profile: intake });
 * console.log(answer.status, answer.answer);
 */
import { createHash } from 'node:crypto';
import { openAiCompatibleModel } from './adapters/llm/openai-compatible.js';
import { parseEngineConfig, type EngineConfig, type EngineConfigInput } from './config/index.js';
import type { Answer } from './domain/answer.js';
import type { ProfileFacts } from './domain/facts.js';
import { IssueError } from './domain/issues.js';
import type { Intake, IntakeLab } from './domain/intake.js';
import type { CoupleProfile } from './domain/profile.js';
import {
  KnowledgeBank,
  canonicalJson,
  type KnowledgeSnapshot,
  type ReloadResult,
  type BankSource,
} from './kb/bank.js';
import type { ChatModel } from './ports/llm.js';
import { loadCalibrator, type Calibrator } from './pipeline/calibrate/calibrator.js';
import { getScopeGuard } from './pipeline/guard/scope.js';
import { getUrgentGuard } from './pipeline/guard/urgent.js';
import { buildProfile, profileFacts } from './pipeline/profile/index.js';
import { recommendFor, type RecommendationItem } from './pipeline/recommend.js';
import { KnowledgeIndex } from './pipeline/retrieve/knowledge.js';
import { loadRelevanceModel, type RelevanceModel } from './pipeline/rerank/relevance.js';
import { loadLearnedGuards, type LearnedGuards } from './pipeline/guard/learned.js';
import {
  finish,
  makeServing,
  prepare,
  type AnswerTrace,
  type AskInput,
  type PipelineDeps,
  type Serving,
} from './pipeline/run.js';
import { getStatedFactsReader, type StatedValue } from './pipeline/understand/stated-facts.js';
import { getGlossary } from './terminology/glossary.js';
import { getNegation } from './terminology/negation.js';
import { getVocabulary } from './terminology/index.js';

/** What every answer leaves behind for the audit log (no personal data: the profile is hashed). */
export interface AnswerAuditRecord {
  kind: 'ask' | 'recommend';
  question: string | null;
  profileHash: string | null;
  knowledgeVersion: string;
  status: Answer['status'] | 'recommendations';
  citations: string[];
  confidence: number | null;
  path: string | null;
  timings: Record<string, number>;
  trace: AnswerTrace | null;
  config: EngineConfig;
}

/** Where audit records go (the store, in the service and the CLI); optional for library use. */
export interface AuditSink {
  append(record: AnswerAuditRecord): Promise<void>;
}

export interface AskOptions {
  /** A couple intake (contracts §4); validated and profiled first. */
  profile?: unknown;
  signal?: AbortSignal;
  /**
   * Where this answer's audit record goes, instead of the engine's `audit` adapter. Added for the
   * HTTP service: one engine serves every tenant, and each answer's record belongs to the chain
   * of the tenant that asked. The answer resolves only after this sink's `append` resolves.
   */
  audit?: AuditSink;
}

/** Options of `recommend`; `audit` as in {@link AskOptions}. */
export interface RecommendOptions {
  audit?: AuditSink;
}

export type { RecommendationItem } from './pipeline/recommend.js';

export interface Recommendations {
  recommendations: RecommendationItem[];
  /** How many applied in all (the list is cut to config.recommend.maxItems). */
  applicable: number;
  profile: CoupleProfile;
  kb: Answer['kb'];
  missing: Array<{ for: string; need: string[] }>;
  timings: { totalMs: number };
}

export interface Engine {
  readonly config: EngineConfig;
  ask(question: string, opts?: AskOptions): Promise<Answer>;
  /** Like `ask` but also returns the trace used for the audit record (evaluation, debugging). */
  askWithTrace(question: string, opts?: AskOptions): Promise<{ answer: Answer; trace: AnswerTrace }>;
  recommend(intake: unknown, opts?: RecommendOptions): Promise<Recommendations>;
  profile(intake: unknown): Promise<CoupleProfile>;
  /** The knowledge version currently served. */
  knowledge(): KnowledgeSnapshot;
  /** Load a new knowledge version (directory, or entries from the database); the old one keeps serving if it is invalid. */
  reload(from?: BankSource): Promise<ReloadResult>;
  /** Internal hooks for evaluation and calibrator training. */
  readonly internals: {
    deps: PipelineDeps;
    serving(): Serving;
    factsFor(intake: unknown): Promise<ProfileFacts | null>;
    /** The values `question` states, as facts merged under the profile's (see understand/stated-facts). */
    statedFactsFor(question: string, profileFacts: ProfileFacts | null): Promise<AskInput['stated']>;
  };
}

export interface EngineAdapters {
  audit?: AuditSink;
  llm?: ChatModel;
  /** A pre-built bank (e.g. loaded from the database); otherwise `config.knowledgeDir` is loaded. */
  bank?: KnowledgeBank;
  /** Use this calibrator instead of the artifact (training, tests). */
  calibrator?: Calibrator;
  /** Use this relevance re-ranker instead of the artifact; `null` for the heuristic order only (training). */
  relevance?: RelevanceModel | null;
  /** Use these guard classifiers instead of the artifact; `null` for the word-list rules only (training). */
  learnedGuards?: LearnedGuards | null;
}

/** How many couples' profile facts an engine keeps (see factsFor in createEngine). */
const FACTS_CACHE_SIZE = 256;

export function hashIntake(intake: unknown): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(intake)).digest('hex');
}

export async function createEngine(
  input: EngineConfigInput = {},
  adapters: EngineAdapters = {},
): Promise<Engine> {
  const config = parseEngineConfig(input);
  const vocabulary = getVocabulary();
  let llm: ChatModel | null = adapters.llm ?? null;
  if (!llm && config.synthesis.mode === 'llm' && config.synthesis.llm) {
    const s = config.synthesis.llm;
    const apiKey = process.env[s.apiKeyEnv];
    llm = openAiCompatibleModel({
      baseUrl: s.baseUrl,
      model: s.model,
      timeoutMs: config.limits.llmTimeoutMs,
      ...(apiKey ? { apiKey } : {}),
    });
  }
  const deps: PipelineDeps = {
    config,
    vocabulary,
    negation: getNegation(),
    glossary: getGlossary(),
    urgent: getUrgentGuard(),
    scope: getScopeGuard((id) => vocabulary.has(id)),
    llm,
    relevance:
      adapters.relevance === undefined
        ? loadRelevanceModel(config.calibration.relevancePath)
        : adapters.relevance,
    learnedGuards:
      adapters.learnedGuards === undefined
        ? loadLearnedGuards(config.calibration.guardsPath)
        : adapters.learnedGuards,
  };
  const calibrator = adapters.calibrator ?? loadCalibrator(config.calibration.modelPath);

  // The index is built inside the bank's build hook, so a bank whose index cannot be built is
  // refused, and the snapshot and its index are swapped together.
  const bank = adapters.bank ?? new KnowledgeBank();
  let serving: Serving | null = null;
  const building = new Map<string, Serving>();
  bank.onBuild((snapshot) => {
    building.set(snapshot.version, makeServing(snapshot, new KnowledgeIndex(snapshot, vocabulary)));
  });
  bank.onSwap((next) => {
    serving = building.get(next.version) ?? makeServing(next, new KnowledgeIndex(next, vocabulary));
    building.clear();
  });
  if (bank.currentOrNull()) {
    const s = bank.current();
    serving = makeServing(s, new KnowledgeIndex(s, vocabulary));
  } else {
    const r = await bank.reload(config.knowledgeDir);
    if (!r.ok) throw new IssueError(r.issues);
  }
  const currentServing = (): Serving => {
    if (!serving) throw new Error('engine: no knowledge version is being served');
    return serving;
  };

  const profileOf = async (intake: unknown): Promise<CoupleProfile> => {
    const r = await buildProfile(intake);
    if (r.kind !== 'ok') throw new IssueError(r.kind === 'error' ? r.issues : r.reasons);
    return r.value;
  };
  // A couple's intake comes with each of their questions (the clinician's screen sends it every
  // time), and building a profile costs more than answering: the facts the pipeline needs are kept
  // by the intake's hash (the one audited), least recently used out. Profiles depend on the intake
  // and the clinical criteria loaded at start only, never on the knowledge version or the date.
  // The partial intakes read from questions (below) have a cache of their own, so that questions
  // stating values never push a couple's facts out of theirs.
  const factsCache = new Map<string, ProfileFacts>();
  const statedCache = new Map<string, ProfileFacts>();
  const cachedFacts = async (
    cache: Map<string, ProfileFacts>,
    intake: unknown,
    hash: string,
  ): Promise<ProfileFacts> => {
    let facts = cache.get(hash);
    if (facts) {
      cache.delete(hash); // most recently used last
    } else {
      facts = Object.freeze(profileFacts(await profileOf(intake)));
      if (cache.size >= FACTS_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(hash, facts);
    return facts;
  };
  const factsFor = async (
    intake: unknown,
    hash: string | null = intake === undefined || intake === null ? null : hashIntake(intake),
  ): Promise<ProfileFacts | null> => {
    if (intake === undefined || intake === null || hash === null) return null;
    return cachedFacts(factsCache, intake, hash);
  };

  // Values the question states ("TSH 3.1", "BMI 24") are read into a partial intake and profiled
  // like any intake (validation, plausibility, classifications); a value that fails is dropped.
  // The profile's own facts win where both speak (decision 0008).
  const statedReader = getStatedFactsReader();
  const statedFactsFor = async (
    question: string,
    profileFacts: ProfileFacts | null,
  ): Promise<AskInput['stated']> => {
    const stated = statedReader.read(question);
    if (stated.read.length === 0) return undefined;
    let fromIntake: ProfileFacts = {};
    const read: StatedValue[] = [];
    if (stated.intake) {
      const whole = await factsOrNull(stated.intake);
      if (whole) {
        fromIntake = whole;
        read.push(...stated.read.filter((r) => !r.field.endsWith('.bmi')));
      } else {
        // Some value failed validation: keep the ones that pass alone.
        const kept: Intake = {};
        for (const r of stated.read) {
          const piece = intakePiece(stated.intake, r.field);
          if (piece && (await factsOrNull(piece))) {
            mergeIntake(kept, piece);
            read.push(r);
          }
        }
        fromIntake = (Object.keys(kept).length && (await factsOrNull(kept))) || {};
      }
    }
    const bmi: Record<string, number> = {};
    for (const partner of ['female', 'male'] as const) {
      const v = stated.bmi[partner];
      if (v === undefined) continue;
      bmi[`${partner}.bmi`] = v;
      read.push(stated.read.find((r) => r.field === `${partner}.bmi`)!);
    }
    if (read.length === 0) return undefined;
    return { facts: Object.freeze({ ...fromIntake, ...bmi, ...(profileFacts ?? {}) }), read };
  };
  const factsOrNull = async (intake: Intake): Promise<ProfileFacts | null> => {
    try {
      return await cachedFacts(statedCache, intake, hashIntake(intake));
    } catch (e) {
      if (e instanceof IssueError) return null;
      throw e;
    }
  };

  const audit = async (
    record: Omit<AnswerAuditRecord, 'config'>,
    sink: AuditSink | undefined,
  ): Promise<void> => {
    const to = sink ?? adapters.audit; // a per-call sink (the requesting tenant's chain) wins
    if (to) await to.append({ ...record, config });
  };

  const askWithTrace = async (question: string, opts: AskOptions = {}) => {
    const s = currentServing(); // one version for the whole request, even if a reload lands meanwhile
    const profileHash = opts.profile === undefined ? null : hashIntake(opts.profile);
    const facts = await factsFor(opts.profile, profileHash);
    const stated = await statedFactsFor(question, facts);
    const prepared = prepare({ question, facts, ...(stated ? { stated } : {}) }, s, deps);
    const answer = await finish(prepared, s, deps, calibrator, opts.signal);
    await audit(
      {
        kind: 'ask',
        question,
        profileHash,
        knowledgeVersion: s.snapshot.version,
        status: answer.status,
        citations: answer.citations.map((c) => c.id),
        confidence: answer.confidence,
        path: answer.path ?? null,
        timings: answer.timings,
        trace: prepared.trace,
      },
      opts.audit,
    );
    return { answer, trace: prepared.trace };
  };

  return {
    config,
    internals: { deps, serving: currentServing, factsFor, statedFactsFor },
    askWithTrace,
    ask: async (q, o) => (await askWithTrace(q, o)).answer,
    profile: profileOf,
    async recommend(intake, opts = {}) {
      const s = currentServing();
      const profile = await profileOf(intake);
      const recs = recommendFor(profile, profileFacts(profile), s, deps);
      await audit(
        {
          kind: 'recommend',
          question: null,
          profileHash: hashIntake(intake),
          knowledgeVersion: s.snapshot.version,
          status: 'recommendations',
          citations: recs.recommendations.flatMap((r) => r.citations.map((c) => c.id)),
          confidence: null,
          path: 'extractive',
          timings: recs.timings,
          trace: null,
        },
        opts.audit,
      );
      return recs;
    },
    knowledge: () => currentServing().snapshot,
    reload: (from) => bank.reload(from ?? config.knowledgeDir),
  };
}

/** The part of a stated intake that holds one read value (`female.labs.tsh`, `female.history.miscarriages`). */
function intakePiece(intake: Intake, field: string): Intake | null {
  const [partner, key, analyte] = field.split('.') as ['female' | 'male', string, string | undefined];
  const from = intake[partner] as Record<string, unknown> | undefined;
  if (!from) return null;
  if (key === 'labs') {
    const lab = (from.labs as IntakeLab[] | undefined)?.find((l) => l.analyte === analyte);
    return lab ? ({ [partner]: { labs: [lab] } } as Intake) : null;
  }
  return key in from ? ({ [partner]: { [key]: from[key] } } as Intake) : null;
}

/** Add `piece` (from {@link intakePiece}) into `into`. */
function mergeIntake(into: Intake, piece: Intake): void {
  for (const partner of ['female', 'male'] as const) {
    const p = piece[partner] as Record<string, unknown> | undefined;
    if (!p) continue;
    const target = ((into as Record<string, unknown>)[partner] ??= {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(p)) {
      target[k] =
        k === 'labs' ? [...((target.labs as IntakeLab[] | undefined) ?? []), ...(v as IntakeLab[])] : v;
    }
  }
}
