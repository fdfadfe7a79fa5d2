/**
 * @module apps/http/testing
 * Test support for the HTTP tests: a real engine (bundled knowledge, real pipeline) built once
 * per test file. The confidence calibrator is the trained artifact when it exists; until
 * `fertility train calibrator` has produced it, a fixed calibrator stands in, so that these tests
 * exercise the service (routing, storage, audit, faults) rather than confidence, which the
 * answer engine's own tests cover.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../engine.js';
import { MODELS_DIR } from '../../paths.js';
import { loadCalibrator, type Calibrator } from '../../pipeline/calibrate/calibrator.js';

/** The calibrator artifact path the engine loads by default. */
export const CALIBRATOR_ARTIFACT = join(MODELS_DIR, 'confidence-calibrator.json');

/**
 * `undefined` when the trained artifact loads (the engine then uses it), else a fixed stand-in:
 * while the answer engine is being changed the artifact can lag behind its features, and these
 * tests are about the service. (`serve` processes load the artifact itself, with no stand-in.)
 */
export function calibratorForTests(): Calibrator | undefined {
  if (existsSync(CALIBRATOR_ARTIFACT)) {
    try {
      loadCalibrator(CALIBRATOR_ARTIFACT);
      return undefined;
    } catch {
      // fall through to the stand-in
    }
  }
  // Answers whenever the pipeline found evidence: the topScore feature is 0 when nothing matched.
  return { version: 'http-tests-fixed', threshold: 0.5, probability: (f) => (f.topScore > 0 ? 0.8 : 0.2) };
}

/** A fresh engine on the bundled knowledge bank (about two seconds: build once per file). */
export async function engineForTests(): Promise<Engine> {
  const calibrator = calibratorForTests();
  return createEngine({}, calibrator ? { calibrator } : {});
}
