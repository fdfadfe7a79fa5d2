/**
 * @module pipeline/retrieve/stopwords
 * Stop-word lists for the lexical analyzer. Which list the default retriever uses was chosen by
 * measurement on the SciFact train split (docs/retrieval.md); the lists are named so that the
 * choice is recorded with every search result.
 */

/** The 33 words of Lucene's English stop set (what Pyserini's BM25 baselines remove). */
export const LUCENE_STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
]);

/**
 * A longer list of English function words: articles, pronouns, auxiliaries, prepositions,
 * conjunctions and a few content-free adverbs. Negations ("no", "not", "without") are kept out
 * on purpose: in clinical text they change meaning, and the answer engine may want them later.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  ...[...LUCENE_STOP_WORDS].filter((w) => w !== 'no' && w !== 'not'),
  'about',
  'above',
  'after',
  'again',
  'all',
  'also',
  'am',
  'any',
  'been',
  'before',
  'being',
  'below',
  'between',
  'both',
  'can',
  'could',
  'did',
  'do',
  'does',
  'doing',
  'down',
  'during',
  'each',
  'few',
  'from',
  'further',
  'had',
  'has',
  'have',
  'having',
  'he',
  'her',
  'here',
  'hers',
  'herself',
  'him',
  'himself',
  'his',
  'how',
  'i',
  'its',
  'itself',
  'just',
  'may',
  'me',
  'might',
  'more',
  'most',
  'must',
  'my',
  'myself',
  'nor',
  'off',
  'once',
  'only',
  'other',
  'our',
  'ours',
  'ourselves',
  'out',
  'over',
  'own',
  'same',
  'she',
  'should',
  'so',
  'some',
  'than',
  'theirs',
  'them',
  'themselves',
  'those',
  'through',
  'too',
  'under',
  'until',
  'up',
  'very',
  'we',
  'were',
  'what',
  'when',
  'where',
  'which',
  'while',
  'who',
  'whom',
  'why',
  'would',
  'you',
  'your',
  'yours',
  'yourself',
  'yourselves',
]);

/**
 * Words that carry no subject of their own even where an index keeps them: the function words above
 * plus content-free determiners and adverbs ("another", "now", "still"). The calibrator's coverage
 * features ignore them, so that "Another IUI, or IVF now?" is not judged on whether an entry says
 * "another". Negations stay out for the same reason as above. Not used by the index itself.
 */
export const CONTENT_FREE_WORDS: ReadonlySet<string> = new Set([
  ...ENGLISH_STOP_WORDS,
  'already',
  'another',
  'anything',
  'currently',
  'else',
  'even',
  'ever',
  'every',
  'everything',
  'instead',
  'now',
  'really',
  'something',
  'still',
  'yet',
  // Words of conversation, not of topic: "What is OHSS exactly?" is about OHSS. "exactly", rare in
  // the bank, had become that question's most specific term, and its absence from the OHSS entry
  // a reason to abstain.
  'actually',
  'anyway',
  'basically',
  'definitely',
  'exactly',
  'hello',
  'honestly',
  'literally',
  'lol',
  'maybe',
  'okay',
  'perhaps',
  'please',
  'precisely',
  'probably',
  'seriously',
  'thank',
  'thanks',
]);

/** Stop-word list names, as recorded in the analyzer options. */
export type StopWordList = 'none' | 'lucene' | 'english';

export function stopWordSet(list: StopWordList): ReadonlySet<string> {
  switch (list) {
    case 'none':
      return new Set();
    case 'lucene':
      return LUCENE_STOP_WORDS;
    case 'english':
      return ENGLISH_STOP_WORDS;
  }
}
