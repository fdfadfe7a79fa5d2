/**
 * @module pipeline/understand/language
 * Which of the six supported languages a question is in: Arabic by script, the others by counting
 * frequent function words. Used to answer urgent-care instructions in the asker's language and to
 * record the language in the audit; retrieval itself is language-independent (the terminology
 * carries synonyms in all six).
 */
import type { Language } from '../../terminology/concepts.js';

// Function words frequent in questions; a word in several lists counts for each.
export const FUNCTION_WORDS: Record<Exclude<Language, 'ar'>, ReadonlySet<string>> = {
  en: new Set(
    'the is are a an my we i should what how does do can of and to in for after with it be have has when which my our your this that there been was were will would could after before about than not'.split(
      ' ',
    ),
  ),
  fr: new Set(
    'le la les est je de des et que pour une un mon ma mes nous apres avec faut il elle quand quel quelle quels quelles sont ai du au aux ce cette ces qui quoi comment pourquoi combien mais ou dans sur pas plus peut dois doit vous votre notre'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el la los las es de y que para mi una un con despues tengo debo cuando cual como puedo hay son estoy del al lo por pero muy mas sin sobre desde hasta cuantos cuantas porque nuestro nuestra usted esta este'.split(
      ' ',
    ),
  ),
  de: new Set(
    'der die das ist ich und nicht mit ein eine nach wir mein meine sollen soll wann wie kann habe sind bei den dem des zu im auf fur oder auch aber wenn welche welcher unser unsere sie es hat haben wird was laut gibt man bis ab vor uber noch schon ob nur dass'.split(
      ' ',
    ),
  ),
  pt: new Set(
    'o a os as e de que para meu minha um uma com depois eu devo quando qual quais como posso ha sao estou nao do da dos das no na nos nas em por mas muito sem sobre desde ate quantos porque nosso nossa voce isso ajuda devemos fazer'.split(
      ' ',
    ),
  ),
};

/** Letter sequences typical of one language (weighted like two function words). */
const CHARACTER_CUES: Record<Exclude<Language, 'ar'>, RegExp> = {
  en: /\b(?:th|wh)[a-z]+|ing\b/g,
  fr: /[çèêœ]|\b[ldjqs]'|eaux?\b/g,
  es: /[ñ¿¡]|ción\b|ciones\b/g,
  de: /[ßäöü]|sch|ung\b|keit\b/g,
  pt: /[ãõ]|ção\b|ções\b|[lhn]h[ao]s?\b/g,
};

const ARABIC = /[\u0600-\u06FF]/g;

/**
 * Best-guess language of `tokens` (folded words) and the raw text; English when nothing decides.
 * `wordLanguages` (optional) names the other languages a word belongs to — the glossary's lists —
 * so that a short question without function words ("Metformina causa aborto?") is not taken for
 * English; each such word counts like a function word of each language it belongs to.
 */
export function detectLanguage(
  text: string,
  tokens: readonly string[],
  wordLanguages?: (word: string) => readonly Language[],
): Language {
  const arabicChars = text.match(ARABIC)?.length ?? 0;
  if (arabicChars > 0 && arabicChars >= text.replace(/\s/g, '').length / 3) return 'ar';
  let best: Language = 'en';
  let bestScore = 0;
  const lower = text.toLowerCase();
  for (const [lang, words] of Object.entries(FUNCTION_WORDS) as Array<
    [Exclude<Language, 'ar'>, ReadonlySet<string>]
  >) {
    let score = 0;
    for (const t of tokens) if (words.has(t) || wordLanguages?.(t).includes(lang)) score++;
    score += 2 * (lower.match(CHARACTER_CUES[lang])?.length ?? 0);
    if (score > bestScore) {
      best = lang;
      bestScore = score;
    }
  }
  return best;
}
