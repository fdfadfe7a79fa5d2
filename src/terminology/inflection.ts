/**
 * @module terminology/inflection
 * Forms of a terminology synonym that people write but the data lists once. German adjectives
 * change their ending with case, gender and article ("wiederholte Fehlgeburten", "von wiederholten
 * Fehlgeburten", "das ovarielle Überstimulationssyndrom" for the listed "ovarielles …"), and the
 * phrase matcher compares whole words, so a question using another ending than the listed one
 * lost the concept — and with it, for a topic the bank lacks, the reason to abstain.
 *
 * Only German, and only in phrases of two or more words: a lowercase word before the last one
 * (German nouns are written with a capital, so these are adjectives, numerals or determiners such
 * as "keine") that ends in -e, -em, -en, -er or -es gets the other four endings. A single word is
 * left alone: "Abort" and "Aborte" are different entries in the lists, not endings.
 */
import type { Language } from './concepts.js';

const ENDINGS = ['em', 'en', 'er', 'es', 'e'] as const;
/** Shortest stem a declined word keeps (so "unter", "hinter" are not read as "unt-e…"). */
const MIN_STEM = 4;

function declinable(word: string): string | null {
  if (!/^[a-zäöüß]/.test(word)) return null;
  const ending = ENDINGS.find((e) => word.endsWith(e));
  if (!ending) return null;
  const stem = word.slice(0, -ending.length);
  return stem.length >= MIN_STEM ? stem : null;
}

/** The synonym and the forms it takes in running text (itself first; no duplicates). */
export function synonymForms(language: Language, synonym: string): string[] {
  if (language !== 'de') return [synonym];
  const words = synonym.split(/\s+/).filter(Boolean);
  if (words.length < 2) return [synonym];
  let forms: string[][] = [[]];
  words.forEach((w, i) => {
    const stem = i < words.length - 1 ? declinable(w) : null;
    const options = stem === null ? [w] : [w, ...ENDINGS.map((e) => stem + e).filter((x) => x !== w)];
    forms = forms.flatMap((f) => options.map((o) => [...f, o]));
  });
  // The first form is the synonym's own words; the synonym itself stands first, as written.
  return [...new Set([synonym, ...forms.slice(1).map((f) => f.join(' '))])];
}
