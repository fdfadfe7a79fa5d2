import { describe, expect, it } from 'vitest';
import { calibratorText } from './calibrator.js';

describe('calibratorText', () => {
  it('reads an English question as cleaned, and a foreign one with the English it is searched with', () => {
    expect(calibratorText({ text: 'Does smoking matter?', language: 'en', englishGloss: [] })).toBe(
      'Does smoking matter?',
    );
    expect(
      calibratorText({ text: 'Le tabac compte-t-il ?', language: 'fr', englishGloss: ['smoking', 'count'] }),
    ).toBe('Le tabac compte-t-il ? smoking count');
    expect(calibratorText({ text: 'Xyz ?', language: 'fr', englishGloss: [] })).toBe('Xyz ?');
  });
});
