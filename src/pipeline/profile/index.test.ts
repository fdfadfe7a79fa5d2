import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FACTS, isKnownFact } from '../../domain/facts.js';
import type { CoupleProfile } from '../../domain/profile.js';
import { CoupleProfileSchema } from '../../domain/profile.js';
import { sourceIsComplete } from '../../domain/source.js';
import { PROJECT_ROOT } from '../../paths.js';
import { isAnalyte } from '../../terminology/analytes.js';
import { buildProfile, profileFacts } from './index.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures/intakes', name), 'utf8'));
async function profileOf(name: string, opts = {}): Promise<CoupleProfile> {
  const r = await buildProfile(fixture(name), opts);
  if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
  return r.value;
}
const value = (p: CoupleProfile, id: string) => p.classifications.find((c) => c.id === id)?.value;

describe('buildProfile on the fixtures', () => {
  test('seed couple: she 34 with AMH 1.2 and BMI 27 after one failed stimulated IUI; his morphology 3 %', async () => {
    const p = await profileOf('seed-couple.json');
    CoupleProfileSchema.parse(p);
    expect(value(p, 'bmi-female')).toBe('overweight');
    expect(value(p, 'semen-who2021')).toBe('teratozoospermia');
    expect(value(p, 'male-factor')).toBe('present');
    expect(value(p, 'ovarian-reserve')).toBe('normal');
    expect(value(p, 'infertility-duration')).toBe('infertile');
    expect(value(p, 'female-age-band')).toBe('under-35');
    // no AFC: POSEIDON cannot place her (its AMH cut-off is unverified)
    expect(value(p, 'poseidon')).toBe('insufficient-data');
    expect(p.couple.value).toBe('male-factor');
    expect(p.couple.incompleteWorkUp.length).toBeGreaterThan(0);
    expect(p.missing.find((m) => m.for === 'poseidon')!.need.join(' ')).toMatch(/antral follicle count/);
    expect(p.prognosis.available).toBe(false);
  });

  test('azoospermia case: male factor, smoking and alcohol flags for him', async () => {
    const p = await profileOf('azoospermia.json');
    expect(value(p, 'semen-who2021')).toBe('azoospermia');
    expect(p.couple.value).toBe('male-factor');
    expect(p.flags.map((f) => f.id).sort()).toEqual(['alcohol-male', 'smoking-male']);
    expect(p.observations.male.find((o) => o.analyte === 'fsh')).toMatchObject({ value: 24, unit: '[IU]/L' });
  });

  test('incomplete intake: everything it cannot decide is listed as missing, never guessed', async () => {
    const p = await profileOf('incomplete.json');
    expect(value(p, 'infertility-duration')).toBe('infertile'); // 7 months at 38 (≥ 6 months from 35)
    expect(value(p, 'female-age-band')).toBe('35-to-39');
    for (const id of [
      'bmi-female',
      'ovarian-reserve',
      'poseidon',
      'pcos-rotterdam',
      'semen-who2021',
      'thyroid',
      'couple-factor',
    ]) {
      expect(value(p, id)).toBe('insufficient-data');
      expect(p.missing.find((m) => m.for === id)?.need.length).toBeGreaterThan(0);
    }
    expect(p.prakriti).toBeNull();
  });

  test('unexplained couple with a complete work-up', async () => {
    const p = await profileOf('unexplained.json');
    expect(p.couple).toMatchObject({
      value: 'unexplained',
      femaleFactors: [],
      maleFactors: [],
      incompleteWorkUp: [],
    });
    expect(value(p, 'semen-who2021')).toBe('normozoospermia');
    expect(value(p, 'thyroid')).toBe('euthyroid');
    expect(value(p, 'prolactin')).toBe('normal');
    expect(value(p, 'pcos-rotterdam')).toBe('does-not-meet');
    expect(value(p, 'poseidon')).toBe('not-low-prognosis');
    expect(value(p, 'bologna-por')).toBe('does-not-meet');
    expect(p.flags).toEqual([]);
  });

  test('PCOS case: Rotterdam met, obese by WHO cut-offs, kapha-dominant correlate, PCOS evidence gap stated', async () => {
    const p = await profileOf('pcos.json');
    expect(value(p, 'pcos-rotterdam')).toBe('meets');
    expect(value(p, 'bmi-female')).toBe('obese');
    expect(p.couple.value).toBe('female-factor');
    expect(p.flags.map((f) => f.id).sort()).toEqual(['bmi-female', 'caffeine-female']);
    expect(p.prakriti!.dominant).toBe('kapha');
    expect(p.prakriti!.correlates.map((c) => c.id)).toEqual(['prakriti-bmi-association']);
    expect(p.prakriti!.evidenceGaps.map((g) => g.topic)).toContain('PCOS');
    // AMH 48 pmol/L is above the lab range → "high" noted, never assigned as reserve
    expect(value(p, 'ovarian-reserve')).toBe('normal');
  });

  test('Prakriti correlates never change a classification', async () => {
    const withP = await profileOf('pcos.json');
    const intake = fixture('pcos.json') as Record<string, unknown>;
    delete intake.prakriti;
    const r = await buildProfile(intake);
    if (r.kind !== 'ok') throw new Error('unexpected');
    expect(r.value.classifications).toEqual(withP.classifications);
  });

  test('WHO 2010 limits as an option', async () => {
    const p = await profileOf('seed-couple.json', { semenReference: 'who2010' });
    const s = p.classifications.find((c) => c.id === 'semen-who2021')!;
    expect(s.criterionSet.year).toBe(2010);
  });

  test('the contracts §4 example gives a complete profile', async () => {
    const p = await profileOf('contracts-example.json');
    CoupleProfileSchema.parse(p);
    expect(p.classifications).toHaveLength(14);
    expect(value(p, 'bmi-female')).toBe('overweight'); // 26.95, Asian cut-offs
    expect(value(p, 'bmi-male')).toBe('overweight'); // 26.12, international
    expect(value(p, 'poseidon')).toBe('group-1');
    expect(p.classifications.find((c) => c.id === 'poseidon')!.subgroup).toBe('1a');
    expect(value(p, 'infertility-duration')).toBe('infertile');
    expect(p.flags.map((f) => f.id)).toEqual(['smoking-male']);
    // the placeholder lab reports contain no results: said, not silently dropped
    expect(p.warnings.filter((w) => w.code === 'report-no-results').map((w) => w.path)).toEqual([
      'female.labReports[0]',
      'male.labReports[0]',
    ]);
    // the placeholder Prakriti answer is reported, not scored
    expect(
      p.warnings.some(
        (w) => w.code === 'prakriti-answer-unknown' && w.path === 'prakriti.answers.QUESTION_ID',
      ),
    ).toBe(true);
  });

  test('a raw lab report is normalized on the way in (pmol/L → ng/mL, the lab range gives the flags)', async () => {
    const p = await profileOf('lab-report.json');
    const amh = p.observations.female.find((o) => o.analyte === 'amh')!;
    expect(amh.unit).toBe('ng/mL');
    expect(amh.value).toBeCloseTo(1.2, 1);
    expect(amh.from).toMatch(/^female.labReports\[0\] line \d+$/);
    expect(value(p, 'thyroid')).toBe('subclinical-hypothyroidism');
    expect(value(p, 'prolactin')).toBe('raised');
  });

  test('every classification, flag and correlate carries a source a kb-style check can resolve', async () => {
    for (const name of ['contracts-example.json', 'pcos.json', 'seed-couple.json']) {
      const p = await profileOf(name);
      const sources = [
        ...p.classifications.flatMap((c) => [c.source, ...(c.additionalSources ?? [])]),
        ...p.flags.map((f) => f.source),
        ...(p.prakriti?.correlates.map((c) => c.source) ?? []),
        ...(p.prakriti?.caveats.map((c) => c.source) ?? []),
      ];
      for (const s of sources) expect(sourceIsComplete(s), JSON.stringify(s)).toBe(true);
    }
  });

  test('an invalid intake is an error, with every issue naming its field', async () => {
    const r = await buildProfile(fixture('bad/height-in-metres.json'));
    expect(r.kind).toBe('error');
    if (r.kind === 'error') expect(r.issues[0]!.path).toBe('female.heightCm');
  });
});

describe('profileFacts', () => {
  test('facts from the contracts example: partner values, classifications, labs, flags', async () => {
    const facts = profileFacts(await profileOf('contracts-example.json'));
    expect(facts).toMatchObject({
      'female.age': 34,
      'female.bmi': 26.95,
      'female.smoking': 'never',
      'female.alcoholUnitsPerWeek': 2,
      'female.caffeineMgPerDay': 150,
      'female.exerciseMinutesPerWeek': 120,
      'female.sleepHours': 7,
      'female.tryingMonths': 18,
      'female.cycle.regular': true,
      'female.cycle.lengthDays': 28,
      'female.afc': 8,
      'female.tubalPatency': 'bilateral',
      'female.history.livebirths': 0,
      'female.history.endometriosis': false,
      'female.treatments.iui.cycles': 1,
      'female.treatments.iui.stimulatedCycles': 1,
      'female.treatments.ivf.cycles': 1,
      'female.treatments.ivf.minOocytesRetrieved': 3,
      'female.treatments.any': true,
      'male.age': 36,
      'male.smoking': 'current',
      'class.poseidon': 'group-1',
      'class.bmi-female': 'overweight',
      'female.lab.amh': 1.2,
      'male.lab.sperm-concentration': 20,
      'flag.smoking-male': true,
    });
    // unknown stays absent, never false
    expect('class.semen-who2021' in facts).toBe(false);
    expect('flag.smoking-female' in facts).toBe(false);
    expect('male.alcoholUnitsPerWeek' in facts).toBe(false);
  });

  test('every fact produced is one the knowledge bank may test', async () => {
    for (const name of ['contracts-example.json', 'pcos.json', 'unexplained.json', 'azoospermia.json']) {
      for (const key of Object.keys(profileFacts(await profileOf(name))))
        expect(isKnownFact(key, isAnalyte), key).toBe(true);
    }
  });

  test('every partner fact the intake can supply is produced by a full intake', async () => {
    const facts = profileFacts(await profileOf('contracts-example.json'));
    const female = Object.keys(FACTS).filter(
      (k) => k.startsWith('female.') && !['female.treatments.any'].includes(k),
    );
    for (const k of female) expect(k in facts, k).toBe(true);
  });

  test('censored lab values give no fact', async () => {
    const r = await buildProfile({
      female: { labs: [{ analyte: 'amh', value: 0.03, unit: 'ng/mL', comparator: '<' }] },
    });
    if (r.kind !== 'ok') throw new Error('unexpected');
    expect('female.lab.amh' in profileFacts(r.value)).toBe(false);
  });
});
