/**
 * @module domain/evidence
 * A piece of evidence as it moves from retrieval through re-ranking, packing and synthesis: a
 * knowledge entry or an imported-document chunk, with how it applies to this couple.
 */
import type { Source } from './source.js';

export type EvidenceDirection = 'do' | 'do-not' | 'consider' | 'neutral';

export interface EvidenceApplicability {
  truth: 'met' | 'not-met' | 'unknown';
  because: string[];
  against: string[];
  missing: Array<{ fact: string; need: string }>;
}

export interface Evidence {
  /** `kb:<entry id>` or `doc:<doc id>#<chunk id>`. */
  key: string;
  kind: 'recommendation' | 'fact' | 'definition' | 'warning-sign' | 'chunk';
  title: string;
  /** Plain-language statement (entries) or chunk text. */
  text: string;
  /** Clinician statement (entries); equal to `text` for chunks. */
  clinicianText: string;
  concepts: string[];
  direction: EvidenceDirection;
  source: Source;
  applicability: EvidenceApplicability;
  /** Heading path for chunks. */
  context?: string[];
  /** Parent chunk text, for context when packing chunks. */
  parentText?: string;
  /** Scores through the pipeline (recorded in the audit). */
  scores: { lexical: number; concept: number; fused: number; final: number; relevance?: number };
  /** Whether the evidence is a specific, guideline-graded statement (used for ordering). */
  strengthRank: number;
}
