/**
 * @module fertility-engine
 * The public library API. Named exports only.
 *
 * @example
 * import { createEngine, normalizeLabReport, buildProfile } from 'fertility-engine';
 * const report = await normalizeLabReport(text);            // contracts §3
 * const profile = await buildProfile(intake);               // contracts §5 (a Result)
 * const engine = await createEngine();
 * const answer = await engine.ask('Is IUI with stimulation or IVF better for us?', { profile: intake }); // §6
 */
export { createEngine, hashIntake } from './engine.js';
export type {
  Engine,
  EngineAdapters,
  AskOptions,
  Recommendations,
  RecommendationItem,
  AuditSink,
  AnswerAuditRecord,
} from './engine.js';
export { parseEngineConfig, configFromEnv } from './config/index.js';
export type { EngineConfig, EngineConfigInput } from './config/index.js';
export { normalizeLabReport, toFhirBundle } from './pipeline/normalize/index.js';
export { buildProfile, profileFacts } from './pipeline/profile/index.js';
export { KnowledgeBank } from './kb/bank.js';
export type { KnowledgeSnapshot } from './kb/bank.js';
export { openStore } from './adapters/open-store.js';
export type { Store } from './ports/store.js';
export { IssueError, ISSUE_CATALOG } from './domain/issues.js';
export type { Issue, IssueCode } from './domain/issues.js';
export type { Result } from './domain/result.js';
export type { Answer, Citation, Statement } from './domain/answer.js';
export type { Observation, NormalizedReport } from './domain/observation.js';
export type { CoupleProfile } from './domain/profile.js';
export type { Intake } from './domain/intake.js';
export type { KnowledgeEntry } from './domain/knowledge.js';
export type { Source } from './domain/source.js';
