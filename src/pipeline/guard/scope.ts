/**
 * @module pipeline/guard/scope
 * The scope guard (issue 6 item 1): is this a reproductive-health question? Decided from the
 * terminology terms found in the question and the word lists of `clinical/guards/scope.yaml`.
 * A question about something else gets `out-of-scope` and no clinical content.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CLINICAL_DIR } from '../../paths.js';
import { LANGUAGES } from '../../terminology/concepts.js';
import { PhraseMatcher } from '../../terminology/phrase-matcher.js';
import type { UnderstoodQuestion } from '../understand/index.js';

const WordLists = z.strictObject(
  Object.fromEntries(LANGUAGES.map((l) => [l, z.array(z.string().min(1)).default([])])) as Record<
    (typeof LANGUAGES)[number],
    z.ZodDefault<z.ZodArray<z.ZodString>>
  >,
);

const ScopeFileSchema = z.strictObject({
  version: z.number().int(),
  generalConcepts: z.array(z.string()),
  reproductiveTerms: WordLists,
  weakTerms: WordLists,
});

export interface ScopeDecision {
  inScope: boolean;
  /** Why, in words, for the audit and the abstention text. */
  reason: string;
  /** Evidence for the decision: terms that made it in scope. */
  signals: string[];
}

export interface ScopeGuard {
  check(q: UnderstoodQuestion, hasProfile: boolean): ScopeDecision;
}

export function compileScopeGuard(data: unknown, isKnownTerm: (id: string) => boolean, origin = 'scope.yaml'): ScopeGuard {
  const parsed = ScopeFileSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${origin}: ${i.path.join('.')}: ${i.message}`);
  }
  const file = parsed.data;
  for (const id of file.generalConcepts) {
    if (!isKnownTerm(id)) throw new Error(`${origin}: generalConcepts: "${id}" is not a terminology id`);
  }
  const general = new Set(file.generalConcepts);
  const strong = new PhraseMatcher();
  const weak = new PhraseMatcher();
  for (const lang of LANGUAGES) {
    for (const w of file.reproductiveTerms[lang]) strong.add('strong', w);
    for (const w of file.weakTerms[lang]) weak.add('weak', w);
  }
  return {
    check(q, hasProfile) {
      // Negated terms still show the topic: "we do not have PCOS" is a reproductive question.
      const specific = q.terms.filter((t) => !general.has(t.id)).map((t) => t.id);
      if (specific.length > 0) return { inScope: true, reason: 'mentions reproductive-health terms', signals: [...new Set(specific)] };
      const strongHits = strong.match(q.tokens).map((m) => m.synonym);
      if (strongHits.length > 0) return { inScope: true, reason: 'mentions reproductive-health words', signals: strongHits };
      const weakHits = weak.match(q.tokens).map((m) => m.synonym);
      const generalHits = q.terms.filter((t) => general.has(t.id)).map((t) => t.id);
      if (weakHits.length >= 2 || (weakHits.length >= 1 && (generalHits.length > 0 || hasProfile))) {
        return { inScope: true, reason: 'reproductive words in context', signals: [...weakHits, ...generalHits] };
      }
      if (generalHits.length > 0 && hasProfile) {
        return { inScope: true, reason: 'a general health topic asked for a couple in fertility care', signals: generalHits };
      }
      return {
        inScope: false,
        reason:
          generalHits.length > 0
            ? `mentions ${generalHits.join(', ')} but nothing about fertility, conception or pregnancy`
            : 'no fertility, conception, pregnancy or reproductive-health topic was found',
        signals: [],
      };
    },
  };
}

let cached: ScopeGuard | null = null;
export function getScopeGuard(isKnownTerm: (id: string) => boolean): ScopeGuard {
  if (!cached) {
    const path = join(CLINICAL_DIR, 'guards', 'scope.yaml');
    cached = compileScopeGuard(parse(readFileSync(path, 'utf8')), isKnownTerm, path);
  }
  return cached;
}
