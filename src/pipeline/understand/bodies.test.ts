import { describe, expect, it } from 'vitest';
import { bodiesNamed, bodiesOfSource } from './bodies.js';

describe('bodiesNamed', () => {
  it('finds the bodies a question names, in capitals where the acronym is also a word', () => {
    expect([...bodiesNamed('Does the WHO say to go straight to IVF?')]).toEqual(['WHO']);
    expect([...bodiesNamed('Who should we see first?')]).toEqual([]);
    expect([...bodiesNamed('Is that nice to know?')]).toEqual([]);
    expect([...bodiesNamed('What does NICE say, and does eshre agree?')].sort()).toEqual(['ESHRE', 'NICE']);
    expect([...bodiesNamed('ما هو الحد الأدنى حسب منظمة الصحة العالمية؟')]).toEqual(['WHO']);
    expect([...bodiesNamed("Selon l'Organisation mondiale de la santé, combien ?")]).toEqual(['WHO']);
  });

  it('reads an entry’s source body, joint bodies included', () => {
    expect([...bodiesOfSource('ASRM/SART')].sort()).toEqual(['ASRM', 'SART']);
    expect([...bodiesOfSource('WHO')]).toEqual(['WHO']);
    expect([...bodiesOfSource('International PCOS Network')]).toEqual([]);
  });
});
