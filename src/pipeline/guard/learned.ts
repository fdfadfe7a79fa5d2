/**
 * @module pipeline/guard/learned
 * The learned half of the guards. Word lists (urgent.yaml, scope.yaml) catch the phrasings they
 * name; people describe emergencies, and ask off-topic questions, in far more ways. Two text
 * classifiers (see text-classifier) learn from labelled questions, with the rule results as
 * features, and decide:
 *  - urgent: P(urgent) ≥ the urgent threshold (chosen for recall: a missed emergency is the worst
 *    error a guard can make);
 *  - out of scope: P(in scope) < the scope threshold.
 * Training data: the independent guard development set (`eval/guards/dev.jsonl`), the fitting part
 * of the labelled question set, and the knowledge bank's own titles (in scope by definition). The
 * held-out questions are never used. `fertility train guards` refits; the artifact is versioned.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TextClassifier, TextClassifierModelSchema, type TextClassifierModel } from './text-classifier.js';

/** Dense features of the scope classifier, computed by the pipeline from rule signals. */
export const SCOPE_DENSE = [
  'specificTerms',
  'strongWords',
  'weakWords',
  'generalConcepts',
  'bankCoverageEn',
  'nonEnglish',
  'ruleInScope',
  'otherSpecies',
  'knownShareForeign',
  'otherPerson',
  'otherHealth',
] as const;
/** Dense features of the urgent classifier. */
export const URGENT_DENSE = ['ruleUrgent', 'partialGroups', 'presentCue'] as const;

export const GuardArtifactSchema = z.strictObject({
  kind: z.literal('guard-classifiers'),
  version: z.string(),
  createdAt: z.string(),
  trainingData: z.record(z.string(), z.unknown()),
  urgent: z.strictObject({ model: TextClassifierModelSchema, threshold: z.number().min(0).max(1) }),
  scope: z.strictObject({ model: TextClassifierModelSchema, threshold: z.number().min(0).max(1) }),
  fit: z.record(z.string(), z.unknown()),
});
export type GuardArtifact = z.infer<typeof GuardArtifactSchema>;

export interface LearnedGuards {
  readonly version: string;
  readonly urgentThreshold: number;
  readonly scopeThreshold: number;
  pUrgent(text: string, dense: Record<(typeof URGENT_DENSE)[number], number>): number;
  pInScope(text: string, dense: Record<(typeof SCOPE_DENSE)[number], number>): number;
}

export function learnedGuardsFrom(a: GuardArtifact): LearnedGuards {
  const check = (m: TextClassifierModel, names: readonly string[], which: string): void => {
    if (m.denseNames.join(',') !== names.join(',')) {
      throw new Error(
        `guard classifier ${a.version} (${which}) expects features [${m.denseNames.join(', ')}], the engine computes [${names.join(', ')}]: retrain with "fertility train guards"`,
      );
    }
  };
  check(a.urgent.model, URGENT_DENSE, 'urgent');
  check(a.scope.model, SCOPE_DENSE, 'scope');
  const u = new TextClassifier(a.urgent.model);
  const s = new TextClassifier(a.scope.model);
  return {
    version: a.version,
    urgentThreshold: a.urgent.threshold,
    scopeThreshold: a.scope.threshold,
    pUrgent: (text, d) =>
      u.probability(
        text,
        URGENT_DENSE.map((k) => d[k]),
      ),
    pInScope: (text, d) =>
      s.probability(
        text,
        SCOPE_DENSE.map((k) => d[k]),
      ),
  };
}

export function loadLearnedGuards(path: string): LearnedGuards {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(
      `cannot read the guard classifiers at ${path} (${(e as Error).message}); run "fertility train guards"`,
    );
  }
  const r = GuardArtifactSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `${path}: not a guard-classifiers artifact: ${r.error.issues[0]!.path.join('.')} ${r.error.issues[0]!.message}`,
    );
  return learnedGuardsFrom(r.data);
}
