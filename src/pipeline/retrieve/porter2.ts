/**
 * @module pipeline/retrieve/porter2
 * The Snowball English stemmer ("Porter2", M. F. Porter, snowballstem.org/algorithms/english),
 * written here rather than taken from npm: the packages that implement it are either Porter
 * (1980) only, unmaintained, or bundle every Snowball language (hundreds of KB) for the one we
 * need. The algorithm is short, fixed and fully specified, so the risk of writing it is low and
 * the tests beside this file check it against the algorithm's published sample vocabulary.
 *
 * Input is one lower-case word of ASCII letters (the tokenizer has already folded case and
 * accents); anything else (digits, non-ASCII letters) is returned unchanged, because the rules
 * below only make sense for English letters.
 */

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
const DOUBLES = new Set(['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
const LI_ENDINGS = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);

/** Whole-word exceptions of the algorithm, applied before any rule. */
const EXCEPTIONS: Record<string, string> = {
  skis: 'ski',
  skies: 'sky',
  dying: 'die',
  lying: 'lie',
  tying: 'tie',
  idly: 'idl',
  gently: 'gentl',
  ugly: 'ugli',
  early: 'earli',
  only: 'onli',
  singly: 'singl',
  sky: 'sky',
  news: 'news',
  howe: 'howe',
  atlas: 'atlas',
  cosmos: 'cosmos',
  bias: 'bias',
  andes: 'andes',
};

/** Words left as they are after step 1a (they would otherwise lose a false "-ing"/"-eed"). */
const EXCEPTIONS_AFTER_1A = new Set([
  'inning',
  'outing',
  'canning',
  'herring',
  'earring',
  'proceed',
  'exceed',
  'succeed',
]);

/** Prefixes whose R1 starts right after them (the algorithm's exceptional R1 list). */
const R1_PREFIXES = ['gener', 'commun', 'arsen'];

// Suffix lists are searched longest first: the algorithm acts on the longest matching suffix only.
const STEP2: Array<[string, string]> = (
  [
    ['ization', 'ize'],
    ['ational', 'ate'],
    ['fulness', 'ful'],
    ['ousness', 'ous'],
    ['iveness', 'ive'],
    ['tional', 'tion'],
    ['biliti', 'ble'],
    ['lessli', 'less'],
    ['entli', 'ent'],
    ['ation', 'ate'],
    ['alism', 'al'],
    ['aliti', 'al'],
    ['ousli', 'ous'],
    ['iviti', 'ive'],
    ['fulli', 'ful'],
    ['enci', 'ence'],
    ['anci', 'ance'],
    ['abli', 'able'],
    ['izer', 'ize'],
    ['ator', 'ate'],
    ['alli', 'al'],
    ['bli', 'ble'],
    ['ogi', 'og'],
    ['li', ''],
  ] as Array<[string, string]>
).sort((a, b) => b[0].length - a[0].length);

const STEP3: Array<[string, string]> = (
  [
    ['ational', 'ate'],
    ['tional', 'tion'],
    ['alize', 'al'],
    ['icate', 'ic'],
    ['iciti', 'ic'],
    ['ative', ''],
    ['ical', 'ic'],
    ['ness', ''],
    ['ful', ''],
  ] as Array<[string, string]>
).sort((a, b) => b[0].length - a[0].length);

const STEP4 = [
  'ement',
  'ance',
  'ence',
  'able',
  'ible',
  'ment',
  'ant',
  'ent',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
  'ion',
  'al',
  'er',
  'ic',
].sort((a, b) => b.length - a.length);

const isVowel = (w: string, i: number): boolean => VOWELS.has(w[i] ?? '');

/**
 * Start of the region after the first non-vowel that follows a vowel, both at or after `from`
 * (R1 from 0; R2 is the same rule applied from the start of R1).
 */
function regionAfter(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) {
    if (!isVowel(w, i) && isVowel(w, i - 1)) return i + 1;
  }
  return w.length;
}

/** A short syllable ends at index `end` (exclusive): see the algorithm's definition. */
function endsWithShortSyllable(w: string, end: number): boolean {
  if (end === 2) return isVowel(w, 0) && !isVowel(w, 1);
  if (end < 3) return false;
  const c = w[end - 1] ?? '';
  return (
    !isVowel(w, end - 3) && isVowel(w, end - 2) && !isVowel(w, end - 1) && c !== 'w' && c !== 'x' && c !== 'Y'
  );
}

function containsVowel(w: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isVowel(w, i)) return true;
  return false;
}

const ASCII_WORD = /^[a-z']+$/;

/**
 * Stem one English word with Porter2. Words of one or two letters, and anything that is not
 * lower-case ASCII letters, come back unchanged.
 */
export function porter2(input: string): string {
  if (input.length <= 2 || !ASCII_WORD.test(input)) return input;
  const exception = EXCEPTIONS[input];
  if (exception !== undefined) return exception;

  let w = input.startsWith("'") ? input.slice(1) : input;
  if (w.length <= 2) return w;
  // Mark consonant-y: initial y, and y after a vowel, are consonants (Y).
  if (w[0] === 'y') w = 'Y' + w.slice(1);
  for (let i = 1; i < w.length; i++) {
    if (w[i] === 'y' && isVowel(w, i - 1)) w = w.slice(0, i) + 'Y' + w.slice(i + 1);
  }

  // Regions are computed once, on the word before any suffix is removed (as in Snowball).
  const prefix = R1_PREFIXES.find((p) => w.startsWith(p));
  const r1 = prefix !== undefined ? prefix.length : regionAfter(w, 0);
  const r2 = regionAfter(w, r1);

  // Step 0: possessive apostrophes.
  for (const s of ["'s'", "'s", "'"]) {
    if (w.endsWith(s)) {
      w = w.slice(0, -s.length);
      break;
    }
  }

  // Step 1a.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ied') || w.endsWith('ies')) w = w.length > 4 ? w.slice(0, -2) : w.slice(0, -1);
  else if (w.endsWith('us') || w.endsWith('ss')) {
    // unchanged
  } else if (w.endsWith('s') && containsVowel(w, 0, w.length - 2)) w = w.slice(0, -1);

  if (EXCEPTIONS_AFTER_1A.has(w)) return w;

  // Step 1b.
  const eed = w.endsWith('eedly') ? 'eedly' : w.endsWith('eed') ? 'eed' : null;
  if (eed !== null) {
    if (w.length - eed.length >= r1) w = w.slice(0, -eed.length) + 'ee';
  } else {
    const suffix = ['ingly', 'edly', 'ing', 'ed'].find((s) => w.endsWith(s));
    if (suffix !== undefined && containsVowel(w, 0, w.length - suffix.length)) {
      w = w.slice(0, -suffix.length);
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (DOUBLES.has(w.slice(-2))) w = w.slice(0, -1);
      else if (r1 >= w.length && endsWithShortSyllable(w, w.length)) w += 'e';
    }
  }

  // Step 1c: y/Y → i after a non-vowel that is not the first letter.
  const last = w[w.length - 1];
  if ((last === 'y' || last === 'Y') && w.length > 2 && !isVowel(w, w.length - 2)) w = w.slice(0, -1) + 'i';

  // Step 2 (longest suffix only; if its condition fails, nothing happens).
  for (const [suffix, repl] of STEP2) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.length - suffix.length;
    if (stem >= r1) {
      if (suffix === 'ogi') {
        if (w[stem - 1] === 'l') w = w.slice(0, stem) + repl;
      } else if (suffix === 'li') {
        if (LI_ENDINGS.has(w[stem - 1] ?? '')) w = w.slice(0, stem);
      } else w = w.slice(0, stem) + repl;
    }
    break;
  }

  // Step 3.
  for (const [suffix, repl] of STEP3) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.length - suffix.length;
    if (stem >= r1 && (suffix !== 'ative' || stem >= r2)) w = w.slice(0, stem) + repl;
    break;
  }

  // Step 4.
  for (const suffix of STEP4) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.length - suffix.length;
    if (stem >= r2) {
      if (suffix === 'ion') {
        const before = w[stem - 1];
        if (before === 's' || before === 't') w = w.slice(0, stem);
      } else w = w.slice(0, stem);
    }
    break;
  }

  // Step 5.
  if (w.endsWith('e')) {
    const stem = w.length - 1;
    if (stem >= r2 || (stem >= r1 && !endsWithShortSyllable(w, stem))) w = w.slice(0, stem);
  } else if (w.endsWith('l')) {
    const stem = w.length - 1;
    if (stem >= r2 && w[stem - 1] === 'l') w = w.slice(0, stem);
  }

  return w.replace(/Y/g, 'y');
}
