/**
 * @module pipeline/calibrate/calibrator
 * The confidence calibrator: p = P(an answer built from this evidence is supported), from the
 * answer features (see ./features) and the question's own words. Two parts, both fitted by
 * `fertility train calibrator` on the fitting questions:
 *  1. a scorer — hashed word/character n-grams of the question plus the standardised features, in a
 *     logistic model (see guard/text-classifier). The words carry what the features cannot: the
 *     shape of questions the bank cannot answer ("what dose…", "does <remedy> help…");
 *  2. Platt scaling of the scorer's logit, fitted on out-of-fold scores of the fitting questions
 *     and of other writers' questions, so that p holds for people who ask differently.
 * The abstention threshold is chosen on out-of-fold probabilities of the evaluation set's fitting
 * questions alone and stored on the scale of (2). The artifact
 * (`models/confidence-calibrator.json`) is versioned: training-data hash, knowledge version, date.
 *
 * Reported confidence is the probability that the response given is right: p when answering,
 * 1 − p when abstaining.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TextClassifier, TextClassifierModelSchema } from '../guard/text-classifier.js';
import { FEATURE_NAMES, featureVector, type Features } from './features.js';

export const CalibratorArtifactSchema = z.strictObject({
  kind: z.literal('confidence-calibrator'),
  version: z.string().min(1),
  createdAt: z.string(),
  trainingData: z.strictObject({ path: z.string(), sha256: z.string(), questions: z.number().int() }),
  knowledgeVersion: z.string(),
  /** Standardisation of the features (training mean and deviation). */
  scaling: z.strictObject({
    features: z.array(z.string()),
    mean: z.array(z.number()),
    std: z.array(z.number()),
  }),
  scorer: TextClassifierModelSchema,
  /** p = 1 / (1 + exp(−(a · logit(score) + b))), fitted out of fold. */
  platt: z.strictObject({ a: z.number(), b: z.number() }),
  /** Answer when p ≥ threshold, else abstain with insufficient-evidence. */
  threshold: z.number().min(0).max(1),
  fit: z.record(z.string(), z.unknown()),
});
export type CalibratorArtifact = z.infer<typeof CalibratorArtifactSchema>;

export interface Calibrator {
  readonly version: string;
  readonly threshold: number;
  /** Probability that an answer built from this evidence is supported and appropriate. */
  probability(f: Features, question: string): number;
}

const logit = (p: number): number => Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p));
export const platt = (score: number, a: number, b: number): number =>
  1 / (1 + Math.exp(-(a * logit(score) + b)));

export function calibratorFrom(a: CalibratorArtifact): Calibrator {
  const expected = FEATURE_NAMES.join(',');
  if (a.scaling.features.join(',') !== expected || a.scorer.denseNames.join(',') !== expected) {
    throw new Error(
      `confidence calibrator ${a.version} was fitted on features [${a.scaling.features.join(', ')}], the engine computes [${expected}]: retrain with "fertility train calibrator"`,
    );
  }
  const scorer = new TextClassifier(a.scorer);
  const { mean, std } = a.scaling;
  return {
    version: a.version,
    threshold: a.threshold,
    probability: (f, question) =>
      platt(
        scorer.probability(
          question,
          featureVector(f).map((v, j) => (v - mean[j]!) / (std[j]! || 1)),
        ),
        a.platt.a,
        a.platt.b,
      ),
  };
}

/**
 * The text the calibrator's scorer reads: the question as cleaned, and for a question in another
 * language also the English it is searched with. The scorer's word features were learned mostly
 * from English questions ("more successful than", "how many frozen eggs"); with the English words
 * beside them, a French or Arabic question meets what was learned of its shape instead of falling
 * back on the dense features alone.
 */
export function calibratorText(u: {
  text: string;
  language: string;
  englishGloss: readonly string[];
}): string {
  return u.language === 'en' || u.englishGloss.length === 0
    ? u.text
    : `${u.text} ${u.englishGloss.join(' ')}`;
}

export function loadCalibrator(path: string): Calibrator {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(
      `cannot read the confidence calibrator at ${path} (${(e as Error).message}); run "fertility train calibrator"`,
    );
  }
  const r = CalibratorArtifactSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(
      `${path}: not a confidence calibrator artifact: ${r.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`,
    );
  }
  return calibratorFrom(r.data);
}
