import { describe, expect, test } from 'vitest';
import type { ProfileObservation } from '../../../domain/profile.js';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { observationOf, partnerData } from '../partner.js';
import { classifyPcos } from './pcos-rotterdam.js';

const c = loadProfileCriteria().pcos;
const amh = (flag: 'low' | 'normal' | 'high' | null) => observationOf('amh', 5, 'ng/mL', { flag });
const testo = (flag: 'low' | 'normal' | 'high' | null) =>
  observationOf('testosterone-total', 60, 'ng/dL', { flag });
const run = (fields: Record<string, unknown>, observations: ProfileObservation[] = []) =>
  classifyPcos(partnerData({ fields, observations }), c);

describe('pcos-rotterdam classifier', () => {
  test.each([
    // ovulatory dysfunction by cycle length: < 21 or > 35 days; plus clinical hyperandrogenism
    [20, 'meets'],
    [21, 'does-not-meet'],
    [35, 'does-not-meet'],
    [36, 'meets'],
  ])('cycle %d days with hyperandrogenism and normal ultrasound → %s', (lengthDays, value) => {
    const r = run({
      age: 28,
      cycle: { lengthDays },
      history: { hyperandrogenism: true },
      ovarianMorphology: 'normal',
    });
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });

  test('irregular cycles + hyperandrogenism: meets without ultrasound or AMH', () => {
    const r = run({ cycle: { regular: false }, history: { hyperandrogenism: true } });
    expect(r.value).toBe('meets');
    expect(r.notes!.join(' ')).toMatch(/exclusion/);
  });

  test('biochemical hyperandrogenism is the lab flag on testosterone', () => {
    expect(run({ cycle: { regular: false } }, [testo('high')]).value).toBe('meets');
  });

  test.each([
    [18, 'meets'],
    [17.9, 'insufficient-data'],
  ])('AMH above the lab range counts for PCOM in adults only (age %d → %s)', (age, value) => {
    const r = run({ age, cycle: { regular: false }, history: { hyperandrogenism: false } }, [
      amh('high'),
      testo('normal'),
    ]);
    expect(r.value).toBe(value);
  });

  test('ultrasound and AMH are never combined: a normal ultrasound wins over a high AMH', () => {
    const r = run(
      {
        age: 30,
        cycle: { regular: false },
        history: { hyperandrogenism: false },
        ovarianMorphology: 'normal',
      },
      [amh('high'), testo('normal')],
    );
    expect(r.value).toBe('does-not-meet');
    expect(String(r.inputs['criterion.pcom'])).toMatch(/AMH not used: never both/);
  });

  test('AMH without a lab range cannot say "elevated": the numeric cut-off is unverified', () => {
    const r = run({ age: 30, cycle: { regular: false }, history: { hyperandrogenism: false } }, [
      amh(null),
      testo('normal'),
    ]);
    expect(r.value).toBe('insufficient-data');
    expect(r.need!.join(' ')).toMatch(/numeric AMH cut-off for PCOM is not verified/);
  });

  test('regular cycles and no hyperandrogenism → does-not-meet whatever the ovaries', () => {
    expect(
      run({ cycle: { regular: true }, history: { hyperandrogenism: false } }, [testo('normal')]).value,
    ).toBe('does-not-meet');
  });

  test('a recorded diagnosis that the data do not support is noted', () => {
    const r = run({ cycle: { regular: true }, history: { hyperandrogenism: false, pcosDiagnosed: true } }, [
      testo('normal'),
    ]);
    expect(r.notes!.join(' ')).toMatch(/previous PCOS diagnosis/);
  });

  test('nothing known → insufficient-data naming each criterion', () => {
    const r = run({});
    expect(r.value).toBe('insufficient-data');
    expect(r.need).toHaveLength(3);
    expect(r.additionalSources?.map((s) => s.doi ?? s.url)).toContain('10.1093/humrep/dead156');
  });
});
