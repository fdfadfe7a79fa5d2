import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { englishTier, loadEverydayWords, specificity } from './english-words.js';

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

  it('reads weekdays, places and contraction stems as everyday words, not as invented names', () => {
    for (const w of ['friday', 'Texas', 'dubai', 'doesn', 'didnt', 'pakistani'])
      expect(specificity(w), w).toBe(0);
    // An invented product name stays unknown.
    expect(specificity('fertilexa')).toBe(1.5);
  });

  it('refuses an everyday-words file with a word that is not lower-case letters, naming it', () => {
    const path = join(tmpdir(), `everyday-${process.pid}.yaml`);
    writeFileSync(path, 'version: 1\nwords:\n  days: [monday, Tuesday]\n');
    expect(() => loadEverydayWords(path)).toThrow(/words\.days\.1: lower-case letters only/);
  });
});
