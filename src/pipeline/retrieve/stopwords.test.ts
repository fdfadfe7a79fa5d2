import { describe, expect, it } from 'vitest';
import { CONTENT_FREE_WORDS, ENGLISH_STOP_WORDS, LUCENE_STOP_WORDS, stopWordSet } from './stopwords.js';

describe('stop-word lists', () => {
  it('names each list as recorded in the analyzer options', () => {
    expect(stopWordSet('none').size).toBe(0);
    expect(stopWordSet('lucene')).toBe(LUCENE_STOP_WORDS);
    expect(stopWordSet('english')).toBe(ENGLISH_STOP_WORDS);
  });

  it('keeps negations out of the lists that can change meaning', () => {
    for (const w of ['no', 'not', 'without']) {
      expect(ENGLISH_STOP_WORDS.has(w)).toBe(false);
      expect(CONTENT_FREE_WORDS.has(w)).toBe(false);
    }
  });

  it('content-free words extend the function words with subject-less adverbs, not clinical words', () => {
    for (const w of ENGLISH_STOP_WORDS) expect(CONTENT_FREE_WORDS.has(w)).toBe(true);
    for (const w of ['another', 'now', 'still', 'exactly', 'actually'])
      expect(CONTENT_FREE_WORDS.has(w)).toBe(true);
    for (const w of ['stimulation', 'pain', 'age', 'weight', 'blood'])
      expect(CONTENT_FREE_WORDS.has(w)).toBe(false);
  });
});
