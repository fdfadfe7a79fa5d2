/**
 * @module terminology/concepts
 * Loads `clinical/terminology/concepts.yaml`: diagnoses, treatments, procedures, tests, lifestyle
 * topics and symptoms with synonyms in English, French, Spanish, German, Portuguese and Arabic.
 * The same vocabulary tags knowledge entries, understands questions and expands retrieval.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CLINICAL_DIR } from '../paths.js';
import { synonymForms } from './inflection.js';
import { PhraseMatcher } from './phrase-matcher.js';

export const LANGUAGES = ['en', 'fr', 'es', 'de', 'pt', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

const SynonymList = z.array(z.string().min(1)).default([]);

export const ConceptSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  kind: z.enum(['condition', 'treatment', 'procedure', 'test', 'lifestyle', 'topic', 'outcome', 'symptom']),
  broader: z.array(z.string()).default([]),
  /** How to write the concept in an answer when its first English synonym is an abbreviation in lower case. */
  display: z.string().min(1).optional(),
  en: z.array(z.string().min(1)).min(1),
  fr: SynonymList,
  es: SynonymList,
  de: SynonymList,
  pt: SynonymList,
  ar: SynonymList,
});
export type Concept = z.infer<typeof ConceptSchema>;

const FileSchema = z.strictObject({ version: z.number().int(), concepts: z.array(ConceptSchema).min(1) });

export interface ConceptTerminology {
  readonly version: number;
  concept(id: string): Concept | undefined;
  isConcept(id: string): boolean;
  all(): readonly Concept[];
  /** `id` and every concept it is narrower than, transitively (letrozole → ovulation-induction). */
  ancestors(id: string): readonly string[];
  /** Concepts narrower than `id`, transitively (ivf → icsi). */
  descendants(id: string): readonly string[];
  /** A phrase matcher over all concept synonyms in all languages. */
  matcher(): PhraseMatcher;
}

/** Parse and validate a concepts file; throws an Error naming the entry and field on bad data. */
export function parseConcepts(text: string, origin = 'concepts.yaml'): ConceptTerminology {
  const parsed = FileSchema.safeParse(parse(text));
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`${origin}: ${first.path.join('.')}: ${first.message}`);
  }
  const byId = new Map<string, Concept>();
  for (const c of parsed.data.concepts) {
    if (byId.has(c.id)) throw new Error(`${origin}: duplicate concept id "${c.id}"`);
    byId.set(c.id, c);
  }
  for (const c of byId.values()) {
    for (const b of c.broader) {
      if (!byId.has(b)) throw new Error(`${origin}: concept "${c.id}" has unknown broader concept "${b}"`);
    }
  }
  // The hierarchy is fixed once loaded, and the pipeline asks for the same concepts' ancestors and
  // descendants on every question: each list is walked once and kept (read-only to callers).
  const ancestorsMemo = new Map<string, readonly string[]>();
  const descendantsMemo = new Map<string, readonly string[]>();
  const ancestors = (id: string): readonly string[] => {
    let known = ancestorsMemo.get(id);
    if (!known) {
      known = walkAncestors(id);
      if (byId.has(id)) ancestorsMemo.set(id, known);
    }
    return known;
  };
  const descendants = (id: string): readonly string[] => {
    let known = descendantsMemo.get(id);
    if (!known) {
      known = walkDescendants(id);
      if (byId.has(id)) descendantsMemo.set(id, known);
    }
    return known;
  };
  const walkAncestors = (id: string): string[] => {
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length) {
      const cur = stack.pop()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      for (const b of byId.get(cur)?.broader ?? []) stack.push(b);
    }
    return [...seen];
  };
  const children = new Map<string, string[]>();
  for (const c of byId.values())
    for (const b of c.broader) children.set(b, [...(children.get(b) ?? []), c.id]);
  const walkDescendants = (id: string): string[] => {
    const seen = new Set<string>();
    const stack = [...(children.get(id) ?? [])];
    while (stack.length) {
      const cur = stack.pop()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      stack.push(...(children.get(cur) ?? []));
    }
    return [...seen];
  };
  let matcher: PhraseMatcher | null = null;
  return {
    version: parsed.data.version,
    concept: (id) => byId.get(id),
    isConcept: (id) => byId.has(id),
    all: () => [...byId.values()],
    ancestors,
    descendants,
    matcher() {
      if (!matcher) {
        matcher = new PhraseMatcher();
        for (const c of byId.values()) {
          matcher.add(c.id, c.id.replace(/-/g, ' '));
          for (const lang of LANGUAGES)
            for (const s of c[lang]) for (const f of synonymForms(lang, s)) matcher.add(c.id, f);
        }
      }
      return matcher;
    },
  };
}

let cached: ConceptTerminology | null = null;

/** The bundled concept terminology, loaded once. */
export function getConcepts(): ConceptTerminology {
  if (!cached) {
    const path = join(CLINICAL_DIR, 'terminology', 'concepts.yaml');
    cached = parseConcepts(readFileSync(path, 'utf8'), path);
  }
  return cached;
}
