/**
 * @module pipeline/understand/injection
 * Recognises text that tries to instruct the engine ("ignore previous instructions", "you are now",
 * "system prompt") in a question or an imported document. Such text is DATA: it never changes the
 * rules, the sources or the guards. Detection only serves to (1) drop those sentences from the
 * retrieval query so they cannot steer ranking, (2) record the attempt in the audit, and (3) keep
 * them out of any prompt sent to an optional language model.
 *
 * What this does NOT catch: paraphrased or encoded instructions. The real defence is structural —
 * extractive answers only quote reviewed entries, and the citation verifier removes any generated
 * sentence its cited evidence does not support.
 */
import { foldText } from '../../terminology/text.js';

// Folded (lower-case, accent-free) phrases; matched as substrings of a folded sentence.
const INSTRUCTION_PHRASES = [
  'ignore previous instructions',
  'ignore all previous',
  'ignore the above',
  'ignore your instructions',
  'ignore your rules',
  'disregard previous',
  'disregard the above',
  'disregard your',
  'forget your instructions',
  'forget everything',
  'you are now',
  'from now on you',
  'pretend to be',
  'pretend you are',
  'roleplay as',
  'system prompt',
  'developer mode',
  'jailbreak',
  'new instructions',
  'override your',
  'override the rules',
  'override the guard',
  'do not cite',
  "don't cite",
  'without citations',
  'without any citation',
  'make up a citation',
  'make up a source',
  'make up a guideline',
  'invent a citation',
  'invent a source',
  'invent a guideline',
  'reveal your prompt',
  'print your instructions',
  'ignorez les instructions',
  'oubliez vos instructions',
  'ignora las instrucciones',
  'olvida tus instrucciones',
  'ignoriere alle',
  'ignoriere die vorherigen',
  'ignore as instrucoes',
  'ignore todas as',
  'تجاهل التعليمات',
] as const;

const SENTENCE_SPLIT = /(?<=[.!?;:\n])\s+/;

export interface InjectionScan {
  detected: boolean;
  /** The text with instruction-like sentences removed (for retrieval). */
  cleaned: string;
  /** How many sentences were removed. */
  removedSentences: number;
}

/** Split into sentences and drop the ones that read as instructions to the system. */
export function scanForInjection(text: string): InjectionScan {
  const sentences = text.split(SENTENCE_SPLIT);
  const kept: string[] = [];
  let removed = 0;
  for (const s of sentences) {
    const f = foldText(s);
    if (INSTRUCTION_PHRASES.some((p) => f.includes(p))) removed++;
    else kept.push(s);
  }
  return { detected: removed > 0, cleaned: kept.join(' ').trim(), removedSentences: removed };
}
