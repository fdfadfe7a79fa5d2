import { describe, expect, it } from 'vitest';
import { KnowledgeBank } from '../kb/bank.js';
import { loadBank } from '../kb/load.js';
import { generateBankEntries } from '../kb/testing/generate-bank.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { getVocabulary } from '../terminology/index.js';
import { GENERAL_CONCEPT } from './guard/urgent.js';
import { KnowledgeIndex } from './retrieve/knowledge.js';
import { makeServing, warningSignsFor } from './run.js';

describe('warningSignsFor (what an urgent answer cites)', () => {
  it('gives the same entries, in the same order, as a scan of every warning sign', async () => {
    // The starter bank plus synthetic entries: many warning signs share concepts, so the
    // per-concept lists overlap and the first three must be merged across them.
    const entries = [
      ...loadBank(KNOWLEDGE_DIR).entries.map((f) => f.data),
      ...generateBankEntries({ entries: 3000, seed: 5 }).map((x) => x.entry),
    ];
    const snapshot = (await KnowledgeBank.fromEntries(entries)).current();
    const vocabulary = getVocabulary();
    const serving = makeServing(snapshot, new KnowledgeIndex(snapshot, vocabulary));
    expect(serving.warningSigns.length).toBeGreaterThan(50);
    const concepts = [GENERAL_CONCEPT, ...new Set(serving.warningSigns.flatMap((e) => e.concepts))];
    // Broader concepts too: their warning signs are those of their narrower concepts as well.
    for (const c of [...concepts]) concepts.push(...vocabulary.ancestors(c));
    let nonEmpty = 0;
    for (const concept of new Set(concepts)) {
      const related = new Set([concept, ...vocabulary.descendants(concept)]);
      const scanned = serving.warningSigns.filter(
        (e) => concept === GENERAL_CONCEPT || e.concepts.some((c) => related.has(c)),
      );
      for (const limit of [1, 3, 10]) {
        const got = warningSignsFor(serving, concept, { vocabulary }, limit);
        expect(
          got.map((e) => e.id),
          `${concept}, first ${limit}`,
        ).toEqual(scanned.slice(0, limit).map((e) => e.id));
      }
      if (scanned.length > 3) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(5);
    expect(warningSignsFor(serving, 'no-such-concept', { vocabulary }, 3)).toEqual([]);
  });
});
