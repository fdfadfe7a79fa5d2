/**
 * @module pipeline/guard/urgent
 * The urgent-sign guard, checked before anything else (issue 6): a question that describes warning
 * signs happening now (OHSS after stimulation, possible ectopic pregnancy, heavy bleeding, fever or
 * severe pain after a procedure) gets an instruction to seek care now, in the asker's language,
 * citing the knowledge bank's warning-sign entries. Rules are data: `clinical/guards/urgent.yaml`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CLINICAL_DIR } from '../../paths.js';
import { LANGUAGES, type Language } from '../../terminology/concepts.js';
import { PhraseMatcher } from '../../terminology/phrase-matcher.js';
import { LooseMatcher } from '../../terminology/loose-matcher.js';
import { foldTokens } from '../../terminology/text.js';
import { clauseStarts, getNegation, type Negation } from '../../terminology/negation.js';

const PerLanguage = z.strictObject(
  Object.fromEntries(LANGUAGES.map((l) => [l, z.string().min(1)])) as Record<Language, z.ZodString>,
);

const UrgentFileSchema = z.strictObject({
  version: z.number().int(),
  present: z.array(z.string().min(1)).min(1),
  rules: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        concept: z.string().min(1),
        description: z.string().min(1),
        firstPersonNotRequired: z.boolean().optional(),
        all: z.array(z.array(z.string().min(1)).min(1)).min(1),
      }),
    )
    .min(1),
  messages: PerLanguage,
  reasons: z.record(z.string(), PerLanguage),
});
export type UrgentRulesFile = z.infer<typeof UrgentFileSchema>;

export interface UrgentFinding {
  rule: string;
  /** Concept whose warning-sign entries are cited. */
  concept: string;
  /** The phrases that fired, one per group (for the audit and the clinician view). */
  matched: string[];
  /** The instruction to seek care, in the question's language. */
  message: string;
}

export interface UrgentGuard {
  readonly version: number;
  /** A rule whose every group matches, or null. */
  check(question: string, language: Language): UrgentFinding | null;
  /**
   * For a question judged urgent by the learned classifier: the rule with the most matching groups
   * (its concept picks the warning-sign entries to cite), or the general warning when none matches.
   */
  closest(question: string, language: Language): UrgentFinding;
  /** Rule signals for the learned classifier: most groups of one rule matched, and whether someone is described now. */
  signals(question: string): { partialGroups: number; presentCue: boolean };
}

/** Compile the rules file into a guard. Throws with the field path on a bad file. */
export function compileUrgentGuard(
  data: unknown,
  origin = 'urgent.yaml',
  negation: Negation = getNegation(),
): UrgentGuard {
  const parsed = UrgentFileSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${origin}: ${i.path.join('.')}: ${i.message}`);
  }
  const file = parsed.data;
  for (const r of file.rules) {
    if (!file.reasons[r.id])
      throw new Error(`${origin}: reasons.${r.id} is missing (every rule needs its reason text)`);
  }
  if (!file.reasons['general'])
    throw new Error(`${origin}: reasons.general is missing (used when no rule explains an urgent question)`);
  const present = new PhraseMatcher();
  for (const p of file.present) present.add('present', p);
  const rules = file.rules.map((r) => ({
    rule: r,
    groups: r.all.map((phrases) => {
      // Loose matching: people describe symptoms in many word forms and orders (see loose-matcher).
      const m = new LooseMatcher();
      for (const p of phrases) m.add('sign', p);
      return m;
    }),
  }));

  return {
    version: file.version,
    check(question, language) {
      const tokens = foldTokens(question);
      const breaks = clauseStarts(question);
      if (tokens.length === 0) return null;
      const isPresent = present.match(tokens).length > 0;
      for (const { rule, groups } of rules) {
        if (!rule.firstPersonNotRequired && !isPresent) continue;
        const matched: string[] = [];
        for (const g of groups) {
          const hit = g.match(tokens).find((m) => !negation.isNegated(tokens, m.start, breaks));
          if (!hit) break;
          matched.push(hit.phrase);
        }
        if (matched.length === groups.length) {
          const reason = file.reasons[rule.id]![language];
          return {
            rule: rule.id,
            concept: rule.concept,
            matched,
            message: file.messages[language].replace('{reason}', reason),
          };
        }
      }
      return null;
    },
    signals(question) {
      const tokens = foldTokens(question);
      const breaks = clauseStarts(question);
      let most = 0;
      for (const { groups } of rules) {
        const n = groups.filter((g) =>
          g.match(tokens).some((m) => !negation.isNegated(tokens, m.start, breaks)),
        ).length;
        most = Math.max(most, n);
      }
      return { partialGroups: most, presentCue: present.match(tokens).length > 0 };
    },
    closest(question, language) {
      const tokens = foldTokens(question);
      const breaks = clauseStarts(question);
      let best: { rule: (typeof rules)[number]['rule']; matched: string[] } | null = null;
      for (const { rule, groups } of rules) {
        const matched = groups
          .map((g) => g.match(tokens).find((m) => !negation.isNegated(tokens, m.start, breaks))?.phrase)
          .filter((x): x is string => x !== undefined);
        if (matched.length > 0 && (!best || matched.length > best.matched.length)) best = { rule, matched };
      }
      const id = best?.rule.id ?? 'general';
      return {
        rule: best ? `${id} (partial)` : 'general',
        concept: best?.rule.concept ?? GENERAL_CONCEPT,
        matched: best?.matched ?? [],
        message: file.messages[language].replace(
          '{reason}',
          (file.reasons[id] ?? file.reasons['general']!)[language],
        ),
      };
    },
  };
}

/** Concept cited when the learned classifier flags a question no rule explains: all warning signs. */
export const GENERAL_CONCEPT = '*';

let cached: UrgentGuard | null = null;
/** The bundled guard (`clinical/guards/urgent.yaml`), compiled once. */
export function getUrgentGuard(): UrgentGuard {
  if (!cached) {
    const path = join(CLINICAL_DIR, 'guards', 'urgent.yaml');
    cached = compileUrgentGuard(parse(readFileSync(path, 'utf8')), path);
  }
  return cached;
}
