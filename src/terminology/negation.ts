/**
 * @module terminology/negation
 * Window negation over folded tokens (`clinical/terminology/negation.yaml`): a phrase is negated
 * when a negation cue occurs within `window` words before it, in the same clause — the end of a
 * sentence or clause (`. ; : ! ?`) and words such as "but" close a negation's scope, as in NegEx:
 * in "just say yes or no: I have OHSS" the OHSS is not negated. A cue next to a verb of stopping
 * (`continuers`) says the opposite: in "I can't stop vomiting", "no paro de vomitar", "elle n'arrête
 * pas de vomir", "sie hört nicht auf zu erbrechen" the vomiting goes on. A clause that opens with a
 * negative auxiliary and its subject ("Wouldn't transferring two embryos double our chances?",
 * "Don't I need a semen analysis?") asks for a yes; it negates nothing (`askingAuxiliaries`).
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
  terminators: z.array(z.string().min(1)).default([]),
  continuers: z.array(z.string().min(1)).default([]),
  askingAuxiliaries: z.array(z.string().min(1)).default([]),
  askingSubjects: z.array(z.string().min(1)).default([]),
});

export interface Negation {
  /**
   * True when the phrase starting at token `start` is negated. `clauseStarts` (from
   * {@link clauseStarts} on the text the tokens come from) are the indexes of tokens that begin a
   * new clause: a cue before one of them does not reach past it.
   */
  isNegated(tokens: readonly string[], start: number, clauseStarts?: ReadonlySet<number>): boolean;
}

// Clause-ending punctuation, when followed by a space or the end (so "2.5" and "A&E" stay whole).
const CLAUSE_END = /[.;:!?؟]+(?=\s|$)/u;
const CLAUSE_SPLIT = new RegExp(CLAUSE_END.source, 'gu');

/**
 * Indexes, into `foldTokens(text)`, of the tokens that begin a clause after the first. Empty when the
 * text is one clause (or when splitting it would not give the same tokens, so nothing is cut wrongly).
 */
export function clauseStarts(text: string): ReadonlySet<number> {
  // The guards and question understanding ask about the same question in turn.
  if (text === lastText) return lastStarts;
  lastText = text;
  lastStarts = computeClauseStarts(text);
  return lastStarts;
}

const NONE: ReadonlySet<number> = new Set();
let lastText: string | null = null;
let lastStarts: ReadonlySet<number> = NONE;
// Punctuation that only ends the text ("…?") starts no clause.
const TRAILING = /[\s.;:!?؟]+$/u;

function computeClauseStarts(text: string): ReadonlySet<number> {
  const body = text.replace(TRAILING, '');
  if (!CLAUSE_END.test(body)) return NONE;
  const starts = new Set<number>();
  let n = 0;
  for (const part of text.split(CLAUSE_SPLIT)) {
    const count = foldTokens(part).length;
    if (n > 0 && count > 0) starts.add(n);
    n += count;
  }
  return n === foldTokens(text).length ? starts : NONE;
}

export function compileNegation(data: unknown, origin = 'negation.yaml'): Negation {
  const parsed = NegationFileSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${origin}: ${i.path.join('.')}: ${i.message}`);
  }
  const cues = new Set(parsed.data.negators.flatMap((n) => foldTokens(n)));
  const terminators = new Set(parsed.data.terminators.flatMap((n) => foldTokens(n)));
  for (const t of terminators)
    if (cues.has(t)) throw new Error(`${origin}: "${t}" is both a negator and a terminator`);
  const continuers = new Set(parsed.data.continuers.flatMap((n) => foldTokens(n)));
  for (const t of continuers)
    if (cues.has(t)) throw new Error(`${origin}: "${t}" is both a negator and a continuer`);
  const window = parsed.data.negationWindow;
  // Folded, "wouldn't" is "wouldn" + "t": the auxiliary, then the cue.
  const askingAux = new Set(parsed.data.askingAuxiliaries.flatMap((n) => foldTokens(n)));
  const askingSubjects = new Set(parsed.data.askingSubjects.flatMap((n) => foldTokens(n)));
  const clauseStartAt = (k: number, breaks?: ReadonlySet<number>): boolean => k === 0 || !!breaks?.has(k);
  // "Wouldn't transferring…", "Isn't it…", "Don't I…": the auxiliary opens the clause, its "t" follows,
  // then the subject (a pronoun, a determiner or a gerund) — a question's word order, not a statement's
  // ("don't have any pain" has no subject).
  const asking = (tokens: readonly string[], k: number, breaks?: ReadonlySet<number>): boolean => {
    if (tokens[k] !== 't' || !askingAux.has(tokens[k - 1] ?? '') || !clauseStartAt(k - 1, breaks))
      return false;
    const next = tokens[k + 1] ?? '';
    return askingSubjects.has(next) || (next.length > 4 && next.endsWith('ing'));
  };
  return {
    isNegated(tokens, start, clauseBreaks) {
      // Walk back from the phrase; stop at the window's edge, a clause start or a terminator.
      for (let k = start - 1; k >= Math.max(0, start - window); k--) {
        if (clauseBreaks?.has(k + 1)) return false;
        const t = tokens[k]!;
        if (terminators.has(t)) return false;
        if (cues.has(t))
          return (
            !continuers.has(tokens[k + 1] ?? '') &&
            !continuers.has(tokens[k - 1] ?? '') &&
            !asking(tokens, k, clauseBreaks)
          );
      }
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
