import { describe, expect, it } from 'vitest';
import { englishTier, specificity } from './english-words.js';

describe('English word commonness (SCOWL)', () => {
  it.each([
    ['worried', 0],
    ['officially', 0],
    ['raspberry', 0.5],
    ['lubricants', 0.5],
    ['castor', 1],
    ['fertilozan', 1.5],
    ['ovagenix', 1.5],
  ])('%s → %s', (w, s) => expect(specificity(w)).toBe(s));

  it('handles inflections and case', () => {
    expect(englishTier('Twins')).not.toBeNull();
    expect(englishTier('tilted')).not.toBeNull();
  });
});
