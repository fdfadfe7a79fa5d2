/**
 * @module domain/knowledge
 * A knowledge entry: one recommendation or fact from a published source, written in our own
 * words, with structured applicability over the couple profile (see `domain/facts`).
 * Entries live as YAML files under `knowledge/` and are validated by `fertility kb validate`.
 */
import { z } from 'zod';
import { SourceSchema, VerifiedFromSchema } from './source.js';

const FactKey = z.string().regex(/^[a-z][a-zA-Z0-9.-]*$/, 'a fact key such as female.age or class.poseidon');
const Scalar = z.union([z.number(), z.string(), z.boolean()]);

/** One test over one profile fact. A missing fact makes the test `unknown`, not false. */
export const FactConditionSchema = z.strictObject({
  fact: FactKey,
  op: z.enum(['eq', 'ne', 'in', 'nin', 'lt', 'lte', 'gt', 'gte', 'between', 'exists']),
  value: z.union([Scalar, z.array(Scalar)]).optional(),
  /** Human wording used in `appliesBecause`, e.g. "female age under 40". */
  label: z.string().optional(),
});
export type FactCondition = z.infer<typeof FactConditionSchema>;

export type Condition = FactCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    FactConditionSchema,
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
  ]),
);

export const EntryStatusSchema = z.enum(['draft', 'reviewed', 'published', 'superseded', 'withdrawn']);
export type EntryStatus = z.infer<typeof EntryStatusSchema>;

/** What kind of statement: a recommendation to act, a fact/definition, or an urgent-care instruction. */
export const EntryKindSchema = z.enum(['recommendation', 'fact', 'definition', 'warning-sign']);

export const KnowledgeEntrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/, 'ids are lowercase kebab-case'),
  title: z.string().min(5),
  kind: EntryKindSchema,
  /** For couples: plain language, no jargon, no numbers without units. */
  statement: z.string().min(20),
  /** For clinicians: precise, with thresholds and the source's own grading. */
  clinicianStatement: z.string().min(20),
  /** Who the entry is for. Absent = applies to every couple. */
  applicability: ConditionSchema.optional(),
  /** Topic tags used by retrieval; must exist in the terminology (analyte or concept ids). */
  concepts: z.array(z.string()).min(1),
  /** Direction of the recommendation, used to detect conflicts between sources. */
  direction: z.enum(['do', 'do-not', 'consider', 'neutral']).default('neutral'),
  source: SourceSchema,
  /** Date of the source's literature search cut-off, when the source states it (YYYY-MM-DD or YYYY-MM). */
  evidenceCutoff: z
    .string()
    .regex(/^\d{4}-\d{2}(-\d{2})?$/)
    .optional(),
  status: EntryStatusSchema,
  supersedes: z.array(z.string()).default([]),
  reviewBy: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  reviewedBy: z.string().min(3),
  language: z
    .string()
    .regex(/^[a-z]{2}$/)
    .default('en'),
  verifiedFrom: z.array(VerifiedFromSchema).min(1),
});
export type KnowledgeEntry = z.infer<typeof KnowledgeEntrySchema>;
export type KnowledgeEntryInput = z.input<typeof KnowledgeEntrySchema>;

/** A chunk of a long imported document (guideline, paper), carrying the document's source. */
export interface DocumentChunk {
  id: string;
  docId: string;
  /** Headings from the document root to this chunk, e.g. ["1 Recommendations", "1.2 Ovulation"]. */
  headingPath: string[];
  parentId: string | null;
  kind: 'section' | 'recommendation' | 'table' | 'list' | 'paragraph';
  text: string;
  tokens: number;
  source: z.infer<typeof SourceSchema>;
}
