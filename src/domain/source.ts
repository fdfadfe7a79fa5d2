/**
 * @module domain/source
 * A source is a real, checkable publication (contracts §7). Every knowledge entry, every
 * classification rule and every citation carries one. `verifiedFrom` records what we actually
 * read to check the fact: a `../shared/domain/` file (with its verification tag) or a public page.
 */
import { z } from 'zod';

/** How the fact was checked, using the legend of `../shared/domain/`. */
export const VerificationTagSchema = z.enum(['V', 'V-sec', 'V-code', 'DERIVED']);
export type VerificationTag = z.infer<typeof VerificationTagSchema>;

export const VerifiedFromSchema = z.object({
  /** e.g. `shared/domain/criteria.md §4` or a URL / stored file read with the search tool. */
  ref: z.string().min(3),
  tag: VerificationTagSchema,
  /** Optional note: what exactly was read there. */
  note: z.string().optional(),
});
export type VerifiedFrom = z.infer<typeof VerifiedFromSchema>;

export const SourceSchema = z.object({
  body: z.string().min(1),
  document: z.string().min(3),
  year: z.number().int().min(1950).max(2100),
  section: z.string().min(1),
  url: z.string().url().optional(),
  doi: z
    .string()
    .regex(/^10\.\d{4,9}\/\S+$/, 'a DOI looks like 10.xxxx/…')
    .optional(),
  strength: z.string().optional(),
  certainty: z.string().optional(),
});
export type Source = z.infer<typeof SourceSchema>;

/** A source as attached to classifications and correlates: the publication plus how we checked it. */
export const TracedSourceSchema = SourceSchema.extend({
  verifiedFrom: z.array(VerifiedFromSchema).min(1),
});
export type TracedSource = z.infer<typeof TracedSourceSchema>;

/** The fields a `kb`-style check requires to resolve a source. */
export function sourceIsComplete(s: Partial<Source>): boolean {
  return Boolean(s.body && s.document && s.year && s.section && (s.url || s.doi));
}
