import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../../config/index.js';
import { KnowledgeBank } from '../../kb/bank.js';
import { syntheticEntry } from '../../kb/testing/entry.js';
import { getVocabulary } from '../../terminology/index.js';
import { KnowledgeIndex } from './knowledge.js';

describe('KnowledgeIndex: concept retrieval', () => {
  it('ranks the entry about a concept above one tagged with several narrower concepts', async () => {
    // "unexplained-infertility" and "male-factor" are both narrower than "infertility" (concepts.yaml).
    const bank = await KnowledgeBank.fromEntries([
      syntheticEntry('about-narrower-kinds', { concepts: ['unexplained-infertility', 'male-factor'] }),
      syntheticEntry('about-the-concept', { concepts: ['infertility'] }),
    ]);
    const index = new KnowledgeIndex(bank.current(), getVocabulary());
    const { candidates } = index.search(
      { text: '', concepts: ['infertility'] },
      parseEngineConfig({}).retrieval,
    );
    const rank = (id: string) => candidates.find((c) => c.doc.key === `kb:${id}`)?.conceptRank;
    expect(rank('about-the-concept')).toBe(1);
    expect(rank('about-narrower-kinds')).toBe(2);
    // Each document counts once per question concept: direct (1 × idf) beats narrower (0.6 × idf),
    // however many narrower concepts a document carries.
    const score = (id: string) => candidates.find((c) => c.doc.key === `kb:${id}`)!.concept;
    expect(score('about-narrower-kinds') / score('about-the-concept')).toBeCloseTo(0.6, 6);
  });
});
