/**
 * @module terminology/glossary
 * Word-level query translation for lexical search (`clinical/terminology/glossary.yaml`): the
 * knowledge bank is written in English, so the ordinary clinical words of a question in French,
 * Spanish, German, Portuguese or Arabic ("semaine", "riesgo", "Dosis", "grávida") are looked up and
 * their English equivalents added to what retrieval searches. Concept names are translated by the
 * terminology itself (concepts.yaml); this covers the words around them. Never shown to users.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CLINICAL_DIR } from '../paths.js';
import { arabicLight, arabicWithoutPreposition } from './phrase-matcher.js';
import { foldTokens } from './text.js';

const Words = z.array(z.string().min(1)).default([]);
const GlossarySchema = z.strictObject({
  version: z.number().int(),
  entries: z.array(
    z.strictObject({
      en: z.array(z.string().min(1)).min(1),
      fr: Words,
      es: Words,
      de: Words,
      pt: Words,
      ar: Words,
    }),
  ),
});

export interface Glossary {
  readonly size: number;
  /** English words for a folded foreign word, or undefined. */
  english(word: string): readonly string[] | undefined;
  /**
   * English words for the foreign words among `tokens` (folded), without duplicates; in German
   * (`language` 'de') also for a compound's last part ("Startdosis" → "dose"), German compounds
   * being right-headed.
   */
  translate(tokens: readonly string[], language?: string): string[];
  /** The languages whose lists hold a folded word (single-word entries; empty when none). */
  languagesOf(word: string): readonly ForeignLanguage[];
}

export type ForeignLanguage = 'fr' | 'es' | 'de' | 'pt' | 'ar';

/** Inflectional endings (Latin-script languages) tried, longest first, when a word is not listed. */
const INFLECTION_ENDINGS = ['es', 'en', 'er', 'em', 'e', 's'];
const ENCLITIC = /^([a-z]{3,}[aei]r)(?:me|te|se|nos|os|lo|la|los|las|le|les)$/;

/** Single-word foreign entries map to the English words of their entry (multi-word entries are skipped: word-level lookup). */
export function compileGlossary(data: unknown, origin = 'glossary.yaml'): Glossary {
  const r = GlossarySchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${origin}: ${i.path.join('.')}: ${i.message}`);
  }
  const map = new Map<string, string[]>();
  const langs = new Map<string, ForeignLanguage[]>();
  for (const e of r.data.entries) {
    for (const lang of ['fr', 'es', 'de', 'pt', 'ar'] as const) {
      for (const w of e[lang]) {
        const toks = foldTokens(w).map(arabicLight);
        if (toks.length !== 1 || toks[0]!.length < 3) continue;
        const list = map.get(toks[0]!) ?? [];
        for (const en of e.en) if (!list.includes(en)) list.push(en);
        map.set(toks[0]!, list);
        const ls = langs.get(toks[0]!) ?? [];
        if (!ls.includes(lang)) ls.push(lang);
        langs.set(toks[0]!, ls);
      }
    }
  }
  const lookup = (w: string): string[] | undefined => {
    const light = arabicLight(w);
    const found = map.get(light);
    if (found) return found;
    const bare = arabicWithoutPreposition(light); // "لعدد" (for the number) → "عدد"
    if (bare !== null) return map.get(bare);
    // An inflection the entry does not list: "leichtes" is "leicht", "perdas" "perda", "pertes" "perte".
    for (const ending of INFLECTION_ENDINGS) {
      if (w.length - ending.length < 4 || !w.endsWith(ending)) continue;
      const stem = map.get(w.slice(0, -ending.length));
      if (stem) return stem;
    }
    // A Spanish or Portuguese infinitive with its pronoun written onto it: "revisarme" (to check me)
    // is "revisar", "congelarlos" (to freeze them) "congelar".
    const clitic = ENCLITIC.exec(w);
    if (clitic) return map.get(clitic[1]!);
    return undefined;
  };
  // The longest known last part, of five letters or more, of a German compound of 9+ letters with at
  // least four letters before it: "startdosis" → "dosis", "schwangerschaftschance" → "chance" (a
  // four-letter last part is too often a word's own ending: "vergisst" is not "isst", to eat).
  const compoundHead = (w: string): string[] | undefined => {
    if (w.length < 9 || !/^[a-z]+$/.test(w)) return undefined;
    for (let i = 4; i <= w.length - 5; i++) {
      const found = lookup(w.slice(i));
      if (found) return found;
    }
    return undefined;
  };
  return {
    size: map.size,
    english: lookup,
    translate(tokens, language) {
      const out: string[] = [];
      for (const t of tokens) {
        const found = lookup(t) ?? (language === 'de' ? compoundHead(t) : undefined);
        for (const en of found ?? []) if (!out.includes(en)) out.push(en);
      }
      return out;
    },
    languagesOf: (w) => langs.get(arabicLight(w)) ?? [],
  };
}

const EMPTY: Glossary = { size: 0, english: () => undefined, translate: () => [], languagesOf: () => [] };
let cached: Glossary | null = null;

/** The bundled glossary; empty (no translation) when the file is absent. */
export function getGlossary(): Glossary {
  if (!cached) {
    const path = join(CLINICAL_DIR, 'terminology', 'glossary.yaml');
    cached = existsSync(path) ? compileGlossary(parse(readFileSync(path, 'utf8')), path) : EMPTY;
  }
  return cached;
}
