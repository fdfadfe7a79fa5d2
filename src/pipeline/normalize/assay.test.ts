import { describe, expect, it } from 'vitest';
import { getTerminology } from '../../terminology/analytes.js';
import { assayOf, checkAssayMix } from './assay.js';

describe('assayOf', () => {
  it('maps printed method labels to technique and platform', () => {
    expect(assayOf('ECLIA')?.platform).toBe('roche-elecsys');
    expect(assayOf('(ECLIA)')?.platform).toBe('roche-elecsys');
    expect(assayOf('Roche Elecsys')?.platform).toBe('roche-elecsys');
    expect(assayOf('Beckman Coulter Access 2')?.platform).toBe('beckman-access');
    expect(assayOf('AMH Gen II ELISA')?.platform).toBe('beckman-gen2'); // longest phrase wins over "ELISA"
    expect(assayOf('picoAMH')?.platform).toBe('ansh-picoamh');
    expect(assayOf('CLIA')).toMatchObject({ platform: null, technique: 'chemiluminescence' });
    expect(assayOf('access')?.method).toBe('access'); // a method id
    expect(assayOf('LC-MS/MS')?.method).toBe('lc-ms-ms');
    expect(assayOf('')).toBeNull();
    expect(assayOf(null)).toBeNull();
    expect(assayOf('see comment')).toBeNull();
  });
});

describe('checkAssayMix', () => {
  const obs = (analyte: string, method: string | null) => ({ analyte, method });

  it('warns when AMH values come from different platforms', () => {
    const w = checkAssayMix([obs('amh', 'ECLIA'), obs('amh', 'Access'), obs('fsh', 'CLIA')]);
    expect(w).toHaveLength(1);
    expect(w[0]!.code).toBe('assay-mixed');
    expect(w[0]!.details).toMatchObject({
      analyte: 'amh',
      platforms: { 'roche-elecsys': 1, 'beckman-access': 1 },
    });
  });

  it('does not warn for one platform, for unknown methods only, or for analytes that are not platform-sensitive', () => {
    expect(checkAssayMix([obs('amh', 'ECLIA'), obs('amh', 'Elecsys')])).toEqual([]); // both Roche
    expect(checkAssayMix([obs('amh', null), obs('amh', 'ECLIA')])).toEqual([]); // unknown ≠ different
    expect(checkAssayMix([obs('fsh', 'ECLIA'), obs('fsh', 'Access')])).toEqual([]); // FSH not flagged in data
  });

  it('treats two different techniques without a platform as not comparable', () => {
    const w = checkAssayMix([obs('amh', 'CLIA'), obs('amh', 'ELISA')]);
    expect(w.map((x) => x.code)).toEqual(['assay-mixed']);
  });

  it('takes platform sensitivity from the data file, not from code', () => {
    const t = getTerminology();
    const sensitive = t
      .analytes()
      .filter((a) => a.platformSensitive)
      .map((a) => a.id);
    expect(sensitive).toContain('amh');
    for (const id of sensitive) {
      expect(checkAssayMix([obs(id, 'ECLIA'), obs(id, 'Access')]).length, id).toBe(1);
    }
  });
});
