/**
 * @module domain/answer
 * The answer (contracts §6): what `ask` returns and what `recommend` returns a list of.
 * `status` is answered | insufficient-evidence | out-of-scope | urgent. Every statement of an
 * answered response carries at least one citation; an abstention makes no clinical claim.
 */
import { z } from 'zod';
import { SourceSchema } from './source.js';

export const AnswerStatusSchema = z.enum(['answered', 'insufficient-evidence', 'out-of-scope', 'urgent']);
export type AnswerStatus = z.infer<typeof AnswerStatusSchema>;

export const CitationSchema = z.object({
  n: z.number().int().min(1),
  /** `kb:<entry id>` for entries, `doc:<doc id>#<chunk id>` for imported document chunks. */
  id: z.string(),
  title: z.string(),
  excerpt: z.string(),
  source: SourceSchema,
  appliesBecause: z.array(z.string()),
  /** met | not-met | unknown — how the entry's applicability conditions meet this profile. */
  applicability: z.enum(['met', 'not-met', 'unknown']).optional(),
  /** Profile data that would decide whether it applies. */
  missing: z.array(z.string()).optional(),
  /** Heading path for document chunks (parent context). */
  context: z.array(z.string()).optional(),
});
export type Citation = z.infer<typeof CitationSchema>;

export const StatementSchema = z.object({
  text: z.string(),
  citations: z.array(z.number().int().min(1)),
  /** What kind of statement: evidence, a note on applicability, a conflict between sources, a safety instruction. */
  role: z.enum(['evidence', 'applicability', 'conflict', 'limitation', 'safety', 'abstention']).optional(),
});
export type Statement = z.infer<typeof StatementSchema>;

export const AbstentionSchema = z.object({
  reason: z.string(),
  /** What was looked for (concepts, terms) and what was found. */
  lookedFor: z.array(z.string()).optional(),
  found: z.array(z.string()).optional(),
  missing: z.array(z.string()),
});
export type Abstention = z.infer<typeof AbstentionSchema>;

export const ConflictSchema = z.object({
  concept: z.string(),
  citations: z.array(z.number().int()),
  summary: z.string(),
});

export const AnswerSchema = z.object({
  status: AnswerStatusSchema,
  answer: z.string(),
  statements: z.array(StatementSchema),
  citations: z.array(CitationSchema),
  confidence: z.number().min(0).max(1),
  abstention: AbstentionSchema.nullable(),
  conflicts: z.array(ConflictSchema).optional(),
  kb: z.object({ version: z.string(), entries: z.number().int() }),
  /** Which path produced the text: extractive (default), llm (verified), llm-fallback (LLM output rejected). */
  path: z.enum(['extractive', 'llm', 'llm-fallback', 'guard']).optional(),
  language: z.string().optional(),
  timings: z.object({ totalMs: z.number() }).catchall(z.number()),
});
export type Answer = z.infer<typeof AnswerSchema>;
