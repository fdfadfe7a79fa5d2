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
import type { Calibrator } from '../../pipeline/calibrate/calibrator.js';

/** The calibrator artifact path the engine loads by default. */
export const CALIBRATOR_ARTIFACT = join(MODELS_DIR, 'confidence-calibrator.json');

/** `undefined` when the trained artifact exists (the engine loads it), else a fixed stand-in. */
export function calibratorForTests(): Calibrator | undefined {
  if (existsSync(CALIBRATOR_ARTIFACT)) return undefined;
  // Answers whenever the pipeline found evidence: the topScore feature is 0 when nothing matched.
  return { version: 'http-tests-fixed', threshold: 0.5, probability: (f) => (f.topScore > 0 ? 0.8 : 0.2) };
}

/** A fresh engine on the bundled knowledge bank (about two seconds: build once per file). */
export async function engineForTests(): Promise<Engine> {
  const calibrator = calibratorForTests();
  return createEngine({}, calibrator ? { calibrator } : {});
}
