/**
 * @module pipeline/calibrate/calibrator
 * The confidence calibrator: a logistic model over the answer features, fitted by
 * `fertility train calibrator` on the fitting part of the labelled question set, and the
 * abstention threshold chosen on that same part. It is a versioned artifact
 * (`models/confidence-calibrator.json`): version, training-data hash, date, features, weights,
 * threshold and the fitting-set figures.
 *
 * Reported confidence is the probability that the response given is right: p when answering,
 * 1 − p when abstaining (the model's probability that an answer would NOT have been supported).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FEATURE_NAMES, featureVector, type Features } from './features.js';
import { predictLogistic, type LogisticModel } from './logistic.js';

export const CalibratorArtifactSchema = z.strictObject({
  kind: z.literal('confidence-calibrator'),
  version: z.string().min(1),
  createdAt: z.string(),
  trainingData: z.strictObject({ path: z.string(), sha256: z.string(), questions: z.number().int() }),
  knowledgeVersion: z.string(),
  model: z.strictObject({
    features: z.array(z.string()),
    mean: z.array(z.number()),
    std: z.array(z.number()),
    weights: z.array(z.number()),
    l2: z.number(),
  }),
  /** Answer when p ≥ threshold, else abstain with insufficient-evidence. */
  threshold: z.number().min(0).max(1),
  fit: z.record(z.string(), z.unknown()),
});
export type CalibratorArtifact = z.infer<typeof CalibratorArtifactSchema>;

export interface Calibrator {
  readonly version: string;
  readonly threshold: number;
  /** Probability that an answer built from this evidence is supported and appropriate. */
  probability(f: Features): number;
}

export function calibratorFrom(a: CalibratorArtifact): Calibrator {
  const expected = FEATURE_NAMES.join(',');
  if (a.model.features.join(',') !== expected) {
    throw new Error(
      `confidence calibrator ${a.version} was fitted on features [${a.model.features.join(', ')}], the engine computes [${expected}]: retrain with "fertility train calibrator"`,
    );
  }
  const m: LogisticModel = a.model;
  return { version: a.version, threshold: a.threshold, probability: (f) => predictLogistic(m, featureVector(f)) };
}

export function loadCalibrator(path: string): Calibrator {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the confidence calibrator at ${path} (${(e as Error).message}); run "fertility train calibrator"`);
  }
  const r = CalibratorArtifactSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(`${path}: not a confidence calibrator artifact: ${r.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`);
  }
  return calibratorFrom(r.data);
}
