/**
 * @module terminology/negation
 * Window negation over folded tokens (`clinical/terminology/negation.yaml`): a phrase is negated
 * when a negation cue occurs within `window` words before it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CLINICAL_DIR } from '../paths.js';
import { foldTokens } from './text.js';

const NegationFileSchema = z.strictObject({
  version: z.number().int(),
  negationWindow: z.number().int().min(0).max(10),
  negators: z.array(z.string().min(1)).min(1),
});

export interface Negation {
  /** True when the phrase starting at token `start` is negated. */
  isNegated(tokens: readonly string[], start: number): boolean;
}

export function compileNegation(data: unknown, origin = 'negation.yaml'): Negation {
  const parsed = NegationFileSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${origin}: ${i.path.join('.')}: ${i.message}`);
  }
  const cues = new Set(parsed.data.negators.flatMap((n) => foldTokens(n)));
  const window = parsed.data.negationWindow;
  return {
    isNegated(tokens, start) {
      for (let k = Math.max(0, start - window); k < start; k++) if (cues.has(tokens[k]!)) return true;
      return false;
    },
  };
}

let cached: Negation | null = null;
export function getNegation(): Negation {
  if (!cached) {
    const path = join(CLINICAL_DIR, 'terminology', 'negation.yaml');
    cached = compileNegation(parse(readFileSync(path, 'utf8')), path);
  }
  return cached;
}
