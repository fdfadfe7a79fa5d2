// The web UI's pure helpers: numbers, confidence bands, the range plot's geometry, citation
// markers, and the form ↔ intake mapping that decides which field an API error is shown beside.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntakeSchema } from '../../domain/intake.js';
import {
  buildIntake,
  confidenceBand,
  fieldForPath,
  flattenIntake,
  formatNumber,
  messageWithoutPath,
  parseNumber,
  parsePath,
  rangePlot,
  shortVersion,
  splitCitations,
  type FieldValue,
} from './format.js';

describe('formatNumber', () => {
  it.each([
    [1.20028011204, '1.2'],
    [44.12556, '44.1'],
    [232.61252, '233'],
    [0.994397759104, '0.994'],
    [12345.6, '12346'],
    [0, '0'],
    [-3.14159, '-3.14'],
  ])('%s → %s', (x, s) => expect(formatNumber(x)).toBe(s));
});

describe('confidenceBand', () => {
  it('places a confidence in its band with a percentage', () => {
    expect(confidenceBand(0.974)).toMatchObject({ band: 'high', percent: '97 %' });
    expect(confidenceBand(0.9)).toMatchObject({ band: 'high' });
    expect(confidenceBand(0.89)).toMatchObject({ band: 'moderate' });
    expect(confidenceBand(0.6)).toMatchObject({ band: 'low' });
    expect(confidenceBand(0.161)).toMatchObject({ band: 'very low', percent: '16 %' });
    expect(confidenceBand(0)).toMatchObject({ band: 'very low', percent: '0 %' });
  });
});

describe('rangePlot', () => {
  it('puts an in-range value between the bounds and an out-of-range value outside them', () => {
    const inside = rangePlot(2, { low: 1, high: 4 })!;
    expect(inside.value).toBeGreaterThan(inside.low);
    expect(inside.value).toBeLessThan(inside.high);
    expect(inside.offScale).toBeNull();
    const low = rangePlot(12, { low: 15, high: 150 })!;
    expect(low.value).toBeLessThan(low.low);
    const high = rangePlot(200, { low: 15, high: 150 })!;
    expect(high.value).toBeGreaterThan(high.high);
    expect(high.offScale).toBeNull();
  });

  it('draws a value far outside at the edge, marked off-scale', () => {
    expect(rangePlot(10_000, { low: 1, high: 4 })).toMatchObject({ value: 1, offScale: 'above' });
    expect(rangePlot(-50, { low: 1, high: 4 })).toMatchObject({ value: 0, offScale: 'below' });
  });

  it('handles one-sided ranges and no range', () => {
    const gt = rangePlot(45, { low: 10 })!;
    expect(gt.highOpen).toBe(true);
    expect(gt.value).toBeGreaterThan(gt.low);
    const lt = rangePlot(40, { high: 34 })!;
    expect(lt.lowOpen).toBe(true);
    expect(lt.value).toBeGreaterThan(lt.high);
    expect(rangePlot(1, null)).toBeNull();
    expect(rangePlot(1, {})).toBeNull();
  });

  it('draws a range too narrow for floating point (subnormal bounds) on a finite scale', () => {
    // Found by the property below: a width of 5e-324 halves to zero, and the scale had none.
    const p = rangePlot(2.5e-323, { low: 5e-324, high: 5e-324 })!;
    expect([p.value, p.low, p.high].every((x) => Number.isFinite(x) && x >= 0 && x <= 1)).toBe(true);
    expect(p.value).toBeGreaterThanOrEqual(p.high);
  });

  it('keeps every position on the drawing for any value and range (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.option(fc.double({ min: -1e5, max: 1e5, noNaN: true }), { nil: undefined }),
        fc.option(fc.double({ min: -1e5, max: 1e5, noNaN: true }), { nil: undefined }),
        (v, low, high) => {
          const p = rangePlot(v, { low, high });
          if (low === undefined && high === undefined) return p === null;
          if (!p) return false;
          if (![p.value, p.low, p.high].every((x) => Number.isFinite(x) && x >= 0 && x <= 1)) return false;
          // The marker is on the right side of each bound it is compared with.
          if (low !== undefined && v < low && p.value > p.low) return false;
          if (high !== undefined && v > high && p.value < p.high) return false;
          if (low !== undefined && high !== undefined && low <= v && v <= high) {
            return p.low <= p.value && p.value <= p.high;
          }
          return true;
        },
      ),
    );
  });
});

describe('splitCitations', () => {
  it('links only markers of known citations', () => {
    expect(splitCitations('A [1] B [2][3] C [9].', new Set([1, 2, 3]))).toEqual([
      { text: 'A ' },
      { cite: 1 },
      { text: ' B ' },
      { cite: 2 },
      { cite: 3 },
      { text: ' C [9].' },
    ]);
    expect(splitCitations('no markers', new Set([1]))).toEqual([{ text: 'no markers' }]);
  });

  it('loses no character of the text (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.uniqueArray(fc.integer({ min: 1, max: 20 })), (text, ns) => {
        const joined = splitCitations(text, new Set(ns))
          .map((p) => ('text' in p ? p.text : `[${p.cite}]`))
          .join('');
        return joined === text;
      }),
    );
  });
});

describe('parseNumber', () => {
  it.each([
    ['34', 34],
    [' 69.12 ', 69.12],
    ['69,12', 69.12],
    ['-2', -2],
    ['.5', 0.5],
    ['1e3', 1000],
  ])('%j → %s', (t, n) => expect(parseNumber(t)).toBe(n));

  it('returns anything else as the text, for the API to name', () => {
    expect(parseNumber('thirty')).toBe('thirty');
    expect(parseNumber('1,200.5')).toBe('1,200.5');
    expect(parseNumber('12 kg')).toBe('12 kg');
  });
});

const f = (name: string, value: string, kind: FieldValue['kind'] = 'number'): FieldValue => ({
  name,
  kind,
  value,
});

describe('buildIntake', () => {
  it('builds nested objects and arrays from intake paths and leaves empty fields out', () => {
    const { intake } = buildIntake([
      f('female.age', '34'),
      f('female.heightCm', ''),
      f('female.cycle.regular', 'true', 'bool'),
      f('female.history.endometriosis', '', 'bool'),
      f('female.labs[0].analyte', 'amh', 'enum'),
      f('female.labs[0].value', '1,2'),
      f('female.labs[0].unit', 'ng/mL', 'enum'),
      f('female.labReports[0]', 'AMH 8,57 pmol/l\n', 'text'),
      f('male.semen[0].analyte', '', 'enum'),
      f('prakriti.subject', 'female', 'enum'),
    ]);
    expect(intake).toEqual({
      female: {
        age: 34,
        cycle: { regular: true },
        labs: [{ analyte: 'amh', value: 1.2, unit: 'ng/mL' }],
        labReports: ['AMH 8,57 pmol/l\n'],
      },
    });
    expect(IntakeSchema.safeParse(intake).success).toBe(true);
  });

  it('packs rows, skipping empty ones, and remembers which field each sent path came from', () => {
    const { intake, fieldOf } = buildIntake([
      f('female.labs[0].analyte', '', 'enum'),
      f('female.labs[0].value', ''),
      f('female.labs[1].analyte', 'fsh', 'enum'),
      f('female.labs[1].value', 'x'),
      f('female.labs[3].analyte', 'lh', 'enum'),
    ]);
    expect(intake).toEqual({ female: { labs: [{ analyte: 'fsh', value: 'x' }, { analyte: 'lh' }] } });
    expect(fieldOf.get('female.labs[0].value')).toBe('female.labs[1].value');
    expect(fieldOf.get('female.labs[1].analyte')).toBe('female.labs[3].analyte');
  });

  it('sends Prakriti only with at least one answer', () => {
    expect(buildIntake([f('prakriti.subject', 'male', 'enum')]).intake).toEqual({});
    expect(
      buildIntake([f('prakriti.subject', 'male', 'enum'), f('prakriti.answers.frame', 'a', 'enum')]).intake,
    ).toEqual({ prakriti: { subject: 'male', answers: { frame: 'a' } } });
  });

  it('round-trips an intake through flattenIntake (the import path)', () => {
    const intake = {
      female: {
        age: 34,
        cycle: { regular: false, lengthDays: 40 },
        labs: [{ analyte: 'amh', value: 1.2, unit: 'ng/mL', date: '2026-09-02' }],
        treatments: [{ type: 'iui', cycles: 1, stimulated: true }],
      },
      male: { semen: [{ analyte: 'semen-volume', value: 2.8, unit: 'mL' }] },
    };
    const kinds: Record<string, FieldValue['kind']> = {
      regular: 'bool',
      stimulated: 'bool',
      analyte: 'enum',
      unit: 'enum',
      date: 'enum',
      type: 'enum',
    };
    const fields = [...flattenIntake(intake)].map(([name, value]) =>
      f(name, value, kinds[name.split('.').at(-1)!] ?? 'number'),
    );
    expect(buildIntake(fields).intake).toEqual(intake);
  });
});

describe('fieldForPath', () => {
  const names = new Set(['female.age', 'female.heightCm', 'female.labs[0].value', 'female.labs[0].analyte']);
  const fieldOf = new Map([
    ['female.age', 'female.age'],
    ['female.labs[0].analyte', 'female.labs[2].analyte'],
    ['female.labs[0].value', 'female.labs[2].value'],
  ]);

  it('maps the API paths (with or without body.) to the field that was sent', () => {
    expect(fieldForPath('body.female.age', fieldOf, names)).toBe('female.age');
    expect(fieldForPath('female.heightCm', fieldOf, names)).toBe('female.heightCm');
    expect(fieldForPath('body.female.labs[0].value', fieldOf, names)).toBe('female.labs[2].value');
    expect(fieldForPath('body.profile.female.age', fieldOf, names)).toBe('female.age');
  });

  it('falls back to the row or the nearest ancestor, and to null', () => {
    expect(fieldForPath('female.labs[0]', fieldOf, names)).toBe('female.labs[2].analyte');
    expect(fieldForPath('female.labs[0].value.extra', fieldOf, names)).toBe('female.labs[2].value');
    expect(fieldForPath('male.age', fieldOf, names)).toBeNull();
  });
});

describe('small helpers', () => {
  it('parsePath, shortVersion, messageWithoutPath', () => {
    expect(parsePath('female.labs[10].value')).toEqual(['female', 'labs', 10, 'value']);
    expect(parsePath('prakriti.answers.weight-tendency')).toEqual(['prakriti', 'answers', 'weight-tendency']);
    expect(shortVersion(`sha256:${'a0bca8234a8e'.padEnd(64, '0')}`)).toBe('sha256:a0bca8234a8e…');
    expect(shortVersion('v1')).toBe('v1');
    expect(messageWithoutPath('body.female.age: expected number', 'body.female.age')).toBe('expected number');
    expect(messageWithoutPath('female.age is -3: outside', 'female.age')).toBe('female.age is -3: outside');
  });
});
