import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getTerminology } from '../terminology/analytes.js';
import { convertRange, fromCanonical, toCanonical } from './convert.js';

/** Converted value, or the first issue code when not converted. */
function conv(analyte: string, value: number, unit: string, convention?: string): number | string {
  const r = toCanonical(analyte, value, unit, convention ? { convention } : {});
  if (r.kind === 'ok') return r.value.value;
  return r.kind === 'declined' ? r.reasons[0]!.code : r.issues[0]!.code;
}

describe('toCanonical: each conversion against an independently computed figure', () => {
  it('identity in the canonical unit, whatever its spelling', () => {
    expect(conv('amh', 1.2, 'ng/mL')).toBe(1.2);
    expect(conv('amh', 1.2, 'ng/ml')).toBe(1.2);
    const r = toCanonical('amh', 1.2, 'NG/ML');
    expect(r.kind === 'ok' && r.value.conversion.via).toBe('identity');
  });

  it('AMH pmol/L → ng/mL with the sourced factor 7.14', () => {
    // contracts §3 example: 8.57 pmol/L ÷ 7.14 = 1.2003 ng/mL (biomarkers.md §1: ng/mL × 7.14 = pmol/L)
    expect(conv('amh', 8.57, 'pmol/l')).toBeCloseTo(1.2003, 4);
    // 7.14 pmol/L = 1 ng/mL exactly
    expect(conv('amh', 7.14, 'pmol/L')).toBeCloseTo(1, 10);
    const r = toCanonical('amh', 7.14, 'pmol/L');
    expect(r.kind === 'ok' && r.value.conversion.via).toBe('analyte-factor');
  });

  it('estradiol pmol/L → pg/mL via UCUM with molar mass 272.38', () => {
    // 100 pmol/L × 272.38 g/mol = 27 238 pg/L = 27.238 pg/mL (biomarkers.md §1: pg/mL × 3.671 = pmol/L)
    expect(conv('estradiol', 100, 'pmol/L')).toBeCloseTo(27.238, 3);
    expect(conv('estradiol', 367.1, 'pmol/L')).toBeCloseTo(99.99, 1); // 367.1 / 3.671 = 100
    const r = toCanonical('estradiol', 100, 'pmol/L');
    expect(r.kind === 'ok' && r.value.conversion.via).toBe('ucum');
  });

  it('progesterone nmol/L → ng/mL (MW 314.47; Davis ×3.18)', () => {
    // 31.8 nmol/L × 314.47 g/mol = 10 000.1 ng/L = 10.0001 ng/mL
    expect(conv('progesterone', 31.8, 'nmol/L')).toBeCloseTo(10.0001, 3);
  });

  it('total testosterone nmol/L → ng/dL (MW 288.42)', () => {
    // 12 nmol/L × 288.42 = 3461.04 ng/L = 346.104 ng/dL (biomarkers.md: >12 nmol/L ≈ 346 ng/dL)
    expect(conv('testosterone-total', 12, 'nmol/L')).toBeCloseTo(346.104, 2);
    // 1 ng/mL = 100 ng/dL (decimal)
    expect(conv('testosterone-total', 3.5, 'ng/mL')).toBeCloseTo(350, 8);
  });

  it('17-OH-progesterone nmol/L and ng/dL → ng/mL (MW 330.46; textbook 99 ng/dL = 3.0 nmol/L)', () => {
    // 3.0 nmol/L × 330.46 = 991.38 ng/L = 0.99138 ng/mL
    expect(conv('17-oh-progesterone', 3.0, 'nmol/L')).toBeCloseTo(0.99138, 4);
    // 99 ng/dL = 0.99 ng/mL
    expect(conv('17-oh-progesterone', 99, 'ng/dL')).toBeCloseTo(0.99, 8);
  });

  it('free T4 pmol/L → ng/dL (MW 776.87; biomarkers.md 1.2 ng/dL × 12.87 = 15.4 pmol/L)', () => {
    // 15.4 pmol/L × 776.87 = 11 963.8 pg/L = 1.19638 ng/dL
    expect(conv('free-t4', 15.4, 'pmol/L')).toBeCloseTo(1.19638, 4);
    // and the sourced factor 12.87 agrees to 0.1 %
    expect(conv('free-t4', 12.87, 'pmol/L') as number).toBeCloseTo(1, 2);
  });

  it('total T4 nmol/L → µg/dL and free T3 pmol/L → pg/mL', () => {
    // 128.7 nmol/L × 776.87 = 99 983 ng/L = 9.9983 µg/dL (labtests: 1 µg/dL = 12.87 nmol/L)
    expect(conv('total-t4', 128.7, 'nmol/L')).toBeCloseTo(9.9983, 3);
    // 5 pmol/L × 650.97 = 3254.85 pg/L = 3.25485 pg/mL (Davis: pg/mL × 1.54 = pmol/L → 3.2468)
    expect(conv('free-t3', 5, 'pmol/L')).toBeCloseTo(3.25485, 4);
    // 1.54 nmol/L T3 → ng/dL: 1.54 × 650.97 = 1002.5 ng/L = 100.25 ng/dL (Davis ×0.0154)
    expect(conv('total-t3', 1.54, 'nmol/L')).toBeCloseTo(100.25, 1);
  });

  it('prolactin mIU/L → ng/mL with the 21.2 convention, recorded', () => {
    // 424 mIU/L ÷ 21.2 = 20 ng/mL
    const r = toCanonical('prolactin', 424, 'mIU/L');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.value.value).toBeCloseTo(20, 10);
    expect(r.value.conversion.convention).toBe('prolactin-21.2-IS-84/500');
    expect(r.issues.map((i) => i.code)).toContain('conversion-convention');
    // µIU/mL is numerically mIU/L: 424 µIU/mL = 424 mIU/L → 20 ng/mL
    expect(conv('prolactin', 424, 'µIU/mL')).toBeCloseTo(20, 10);
  });

  it('insulin pmol/L → µIU/mL: default convention 6.0, the other on request, always recorded', () => {
    // 60 pmol/L ÷ 6.0 = 10 µIU/mL; 60 ÷ 6.945 = 8.6393 µIU/mL (Knopp 2019, biomarkers.md §1)
    expect(conv('insulin-fasting', 60, 'pmol/L')).toBeCloseTo(10, 10);
    expect(conv('insulin-fasting', 60, 'pmol/L', 'insulin-6.945')).toBeCloseTo(8.6393, 4);
    const r = toCanonical('insulin-fasting', 60, 'pmol/L');
    if (r.kind !== 'ok') throw new Error('expected ok');
    expect(r.value.conversion.convention).toBe('insulin-6.0');
    const note = r.issues.find((i) => i.code === 'conversion-convention');
    expect(note?.message).toContain('6.945'); // the other published convention is named
    // mIU/L = µIU/mL numerically (1e-3 IU / 1e3 mL = 1e-6 IU/mL)
    expect(conv('insulin-fasting', 12, 'mIU/L')).toBeCloseTo(12, 10);
  });

  it('"µU/mL" and "mU/L" on hormone reports are read as international units, with a note', () => {
    const r = toCanonical('insulin-fasting', 9, 'µU/mL');
    if (r.kind !== 'ok') throw new Error('expected ok');
    expect(r.value.value).toBe(9);
    expect(r.value.conversion.convention).toBe('U-read-as-IU');
    expect(r.issues[0]?.code).toBe('conversion-convention');
    expect(conv('tsh', 2.5, 'mU/L')).toBe(2.5);
  });

  it('gonadotropins and TSH: mIU/mL ↔ IU/L and µIU/mL ↔ mIU/L are ×1', () => {
    // biomarkers.md §1: FSH/LH mIU/mL → IU/L ×1; TSH µIU/mL → mIU/L ×1
    expect(conv('fsh', 7.3, 'mIU/mL')).toBeCloseTo(7.3, 10);
    expect(conv('lh', 5.1, 'mUI/ml')).toBeCloseTo(5.1, 10);
    expect(conv('tsh', 2.1, 'µIU/mL')).toBeCloseTo(2.1, 10);
    // kIU/L = IU/mL (1000 IU / 1000 mL)
    expect(conv('anti-tpo', 34, 'kIU/L')).toBeCloseTo(34, 10);
  });

  it('glucose mmol/L and g/L → mg/dL', () => {
    // ADA: 7.0 mmol/L ↔ 126 mg/dL; 7.0 ÷ 0.0555 = 126.13
    expect(conv('glucose-fasting', 7.0, 'mmol/L')).toBeCloseTo(126.13, 2);
    // 1.26 g/L = 126 mg/dL (French reports; cite-sciences.fr: 1,26 g/l = 7 mmol/l)
    expect(conv('glucose-fasting', 1.26, 'g/L')).toBeCloseTo(126, 8);
  });

  it('25-OH vitamin D nmol/L → ng/mL with 2.496', () => {
    // 75 nmol/L ÷ 2.496 = 30.048 ng/mL
    expect(conv('vitamin-d-25oh', 75, 'nmol/L')).toBeCloseTo(30.048, 3);
    expect(conv('vitamin-d-25oh', 30, 'µg/L')).toBeCloseTo(30, 10); // µg/L = ng/mL
  });

  it('androstenedione, hemoglobin, ferritin, SHBG by sourced factor or decimal scaling', () => {
    // 3.49 nmol/L ÷ 0.0349 = 100 ng/dL
    expect(conv('androstenedione', 3.49, 'nmol/L')).toBeCloseTo(100, 8);
    // 135 g/L = 13.5 g/dL
    expect(conv('hemoglobin', 135, 'g/L')).toBeCloseTo(13.5, 10);
    expect(conv('ferritin', 45, 'µg/L')).toBeCloseTo(45, 10);
    expect(conv('shbg', 45000, 'pmol/L')).toBeCloseTo(45, 10);
  });

  it('semen: counts, volumes, pH without unit', () => {
    expect(conv('sperm-concentration', 15, 'million/ml')).toBe(15);
    expect(conv('sperm-concentration', 15, 'M/mL')).toBe(15);
    expect(conv('sperm-concentration', 15_000_000, '/mL')).toBeCloseTo(15, 10);
    expect(conv('sperm-total-count', 39, '10^6/ejaculate')).toBe(39);
    expect(conv('semen-volume', 2.5, 'cc')).toBeCloseTo(2.5, 10);
    expect(conv('semen-ph', 7.6, '')).toBe(7.6);
    expect(conv('progressive-motility', 32, '%')).toBe(32);
  });

  it('declines what has no sourced conversion or is not a scaling, naming why', () => {
    expect(conv('hba1c', 48, 'mmol/mol')).toBe('unit-unconvertible'); // IFCC ≠ scaled NGSP
    expect(conv('dhea-s', 5, 'µmol/L')).toBe('unit-unconvertible'); // factor UNVERIFIED
    expect(conv('hemoglobin', 8.4, 'mmol/L')).toBe('unit-unconvertible'); // no molar mass sourced
    expect(conv('fsh', 2, 'ng/mL')).toBe('unit-unconvertible'); // IU vs mass
    expect(conv('anti-tpo', 20, 'U/mL')).toBe('unit-unconvertible'); // assay units, not IU
    expect(conv('amh', 2, 'bananas')).toBe('unit-unknown');
    expect(conv('amh', 2, '')).toBe('unit-missing');
    expect(conv('amh', 2, '/HPF')).toBe('unit-unconvertible');
    expect(conv('no-such-analyte', 2, 'ng/mL')).toBe('analyte-unknown');
    expect(conv('amh', Number.NaN, 'ng/mL')).toBe('value-unparseable');
  });
});

describe('convertRange', () => {
  it('converts both bounds with the value factor and keeps a missing bound missing', () => {
    // "7,1 - 28,6 pmol/l" ÷ 7.14 → 0.9944 – 4.0056 ng/mL
    const r = convertRange('amh', { low: 7.1, high: 28.6 }, 'pmol/l');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.value.low).toBeCloseTo(0.9944, 4);
    expect(r.value.high).toBeCloseTo(4.0056, 4);
    expect(r.value.unit).toBe('ng/mL');
    const h = convertRange('tsh', { high: 4.2 }, 'µIU/mL');
    expect(h.kind === 'ok' && h.value.low).toBe(undefined);
    expect(h.kind === 'ok' && h.value.high).toBeCloseTo(4.2, 10);
  });
});

describe('properties', () => {
  const ids = getTerminology()
    .analytes()
    .map((a) => a.id);
  const units = [
    'ng/mL',
    'pmol/L',
    'nmol/L',
    'mIU/mL',
    'µIU/mL',
    'IU/L',
    'mg/dL',
    'mmol/L',
    'g/L',
    '%',
    'million/ml',
    '',
    'ug/dL',
    'pg/ml',
  ];

  it('never throws on arbitrary analyte ids, values and unit strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...ids), fc.string()),
        fc.oneof(fc.double(), fc.integer()),
        fc.oneof(fc.constantFrom(...units), fc.string({ unit: 'grapheme', maxLength: 50 })),
        (id, v, u) => {
          const r = toCanonical(id, v, u);
          expect(['ok', 'declined', 'error']).toContain(r.kind);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips: to canonical and back within floating tolerance', () => {
    const pairs: Array<[string, string]> = [];
    for (const id of ids) for (const u of units) if (toCanonical(id, 1, u).kind === 'ok') pairs.push([id, u]);
    expect(pairs.length).toBeGreaterThan(60);
    fc.assert(
      fc.property(
        fc.constantFrom(...pairs),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        ([id, u], v) => {
          const c = toCanonical(id, v, u);
          if (c.kind !== 'ok') throw new Error(`${id} ${u}`);
          const back = fromCanonical(id, c.value.value, u);
          if (back.kind !== 'ok') throw new Error(`${id} ${u} back`);
          expect(Math.abs(back.value.value - v) / v).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
