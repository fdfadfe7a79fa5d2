import { describe, expect, it } from 'vitest';
import { defaultVocabulary } from './vocabulary.js';

describe('defaultVocabulary', () => {
  const v = defaultVocabulary();
  it('accepts concept ids and analyte ids (contracts §3) as concepts, analytes only as analytes', () => {
    expect(v.isConcept('ivf')).toBe(true);
    expect(v.isConcept('amh')).toBe(true);
    expect(v.isConcept('sperm-concentration')).toBe(true);
    expect(v.isAnalyte('tsh')).toBe(true);
    expect(v.isAnalyte('ivf')).toBe(false);
    expect(v.isConcept('not-a-term')).toBe(false);
  });
});
