import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText } from '../../terminology/text.js';
import { bodiesNamed, bodiesOfSource } from './bodies.js';

describe('bodiesNamed', () => {
  it('finds the bodies a question names, in capitals where the acronym is also a word', () => {
    expect([...bodiesNamed('Does the WHO say to go straight to IVF?')]).toEqual(['WHO']);
    expect([...bodiesNamed('Who should we see first?')]).toEqual([]);
    expect([...bodiesNamed('Is that nice to know?')]).toEqual([]);
    expect([...bodiesNamed('What does NICE say, and does eshre agree?')].sort()).toEqual(['ESHRE', 'NICE']);
    expect([...bodiesNamed('ما هو الحد الأدنى حسب منظمة الصحة العالمية؟')]).toEqual(['WHO']);
    expect([...bodiesNamed("Selon l'Organisation mondiale de la santé, combien ?")]).toEqual(['WHO']);
    expect([...bodiesNamed('Segun la Organizacion Mundial de la Salud?')]).toEqual(['WHO']);
    expect([...bodiesNamed('What does the American Thyroid Association advise?')]).toEqual(['ATA']);
  });

  it('reads an entry’s source body, joint bodies included', () => {
    expect([...bodiesOfSource('ASRM/SART')].sort()).toEqual(['ASRM', 'SART']);
    expect([...bodiesOfSource('WHO')]).toEqual(['WHO']);
    expect([...bodiesOfSource('International PCOS Network')]).toEqual([]);
  });
});

describe('bodiesNamed against a plain reading', () => {
  // The plain reading: every word against every acronym, every name in the folded text.
  const ACRONYMS: Array<[string, string, boolean]> = [
    ['WHO', 'WHO', true],
    ['OMS', 'WHO', true],
    ['NICE', 'NICE', true],
    ['ATA', 'ATA', true],
    ['ETA', 'ETA', true],
    ['EAU', 'EAU', true],
    ['AUA', 'AUA', true],
    ['eshre', 'ESHRE', false],
    ['asrm', 'ASRM', false],
    ['sart', 'SART', false],
    ['hfea', 'HFEA', false],
    ['rcog', 'RCOG', false],
    ['acog', 'ACOG', false],
    ['cfas', 'CFAS', false],
    ['icmart', 'ICMART', false],
    ['asco', 'ASCO', false],
    ['figo', 'FIGO', false],
  ];
  const NAMES: Array<[string, string]> = [
    ['world health organization', 'WHO'],
    ['organisation mondiale de la sante', 'WHO'],
    ['منظمه الصحه العالميه', 'WHO'],
    ['american thyroid association', 'ATA'],
  ];
  const plain = (q: string): string[] => {
    const words = q.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const folded = ` ${foldText(q).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
    const out = new Set<string>();
    for (const [a, id, caps] of ACRONYMS)
      if (words.some((w) => (caps ? w === a : w.toLowerCase() === a))) out.add(id);
    for (const [n, id] of NAMES) if (folded.includes(` ${n} `)) out.add(id);
    return [...out].sort();
  };
  const pieces = fc.constantFrom(
    'WHO',
    'who',
    'NICE',
    'nice',
    'ESHRE',
    'Asrm',
    'ata',
    'ATA',
    'World Health Organization',
    'Organisation mondiale de la santé',
    'منظمة الصحة العالمية',
    'American Thyroid Association',
    ' ',
    ', ',
    '-',
    'é',
    'says',
    'IVF',
    '?',
    '`',
    'ß',
  );
  it('finds the same bodies, ASCII and not', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const q = parts.join(' ');
        expect([...bodiesNamed(q)].sort()).toEqual(plain(q));
      }),
    );
  });
});
