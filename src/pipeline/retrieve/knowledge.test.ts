import { describe, expect, it } from 'vitest';
import { KnowledgeBank } from '../../kb/bank.js';
import { loadBank } from '../../kb/load.js';
import { KNOWLEDGE_DIR } from '../../paths.js';
import { getVocabulary } from '../../terminology/index.js';
import { KnowledgeIndex } from './knowledge.js';

describe('how specific a concept is in the bank', () => {
  it('counts the entries that name a concept in their text as well as those tagged with it', async () => {
    const bank = await KnowledgeBank.fromEntries(loadBank(KNOWLEDGE_DIR).entries.map((f) => f.data));
    const snapshot = bank.current();
    const vocabulary = getVocabulary();
    const index = new KnowledgeIndex(snapshot, vocabulary);
    // The reference count, entry by entry: tagged, or named in the title or statements.
    const speaksOf = (id: string): number =>
      snapshot.entries.filter(
        (e) =>
          e.concepts.includes(id) ||
          vocabulary.matcher
            .match(`${e.title} ${e.statement} ${e.clinicianStatement}`)
            .some((m) => m.id === id),
      ).length;
    for (const id of ['live-birth', 'smoking', 'pcos']) {
      expect(index.conceptMentionCount(id), id).toBe(speaksOf(id));
      expect(index.conceptMentionCount(id), id).toBeGreaterThanOrEqual(index.conceptFrequency(id));
    }
    // "Live birth" is named far more often than it is tagged: tags alone made it look specific.
    expect(index.conceptMentionCount('live-birth')).toBeGreaterThan(3 * index.conceptFrequency('live-birth'));
    expect(index.conceptMentionCount('no-such-concept')).toBe(0);
  });
});
