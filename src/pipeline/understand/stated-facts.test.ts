import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CLINICAL_DIR } from '../../paths.js';
import { asciiDigits, foldText } from '../../terminology/text.js';
import { buildStatedFactsReader, getStatedFactsReader } from './stated-facts.js';

const reader = getStatedFactsReader();
const fields = (q: string): Array<[string, number, string?]> =>
  reader.read(q).read.map((r) => (r.unit ? [r.field, r.value, r.unit] : [r.field, r.value]));

describe('values a question states', () => {
  it.each([
    ["TSH 3.1 - could that be why I'm not getting pregnant?", [['female.labs.tsh', 3.1, 'mIU/L']]],
    ['My TSH came back at 4.2, should I worry?', [['female.labs.tsh', 4.2, 'mIU/L']]],
    ['my AMH is 0.8 ng/ml, is that low?', [['female.labs.amh', 0.8, 'ng/mL']]],
    ['AMH 5.7 pmol/L at 38', [['female.labs.amh', 5.7, 'pmol/L']]],
    ["j'ai 36 ans et mon AMH est de 0,9 ng/ml", [['female.labs.amh', 0.9, 'ng/mL']]],
    [
      'FSH 11.2 IU/L on day 3, E2 62 pg/mL. Is that bad for my eggs?',
      [
        ['female.labs.fsh', 11.2, 'IU/L'],
        ['female.labs.estradiol', 62, 'pg/mL'],
      ],
    ],
    ['his FSH is 20, what does it mean?', [['male.labs.fsh', 20, 'IU/L']]],
    [
      'sperm concentration 12 million/ml, is ICSI needed?',
      [['male.labs.sperm-concentration', 12, '10*6/mL']],
    ],
    [
      'his count is 8 million/ml and motility 25%',
      [
        ['male.labs.sperm-concentration', 8, '10*6/mL'],
        ['male.labs.total-motility', 25, '%'],
      ],
    ],
    [
      'Spermogramme de mon mari : concentration 12 millions/ml',
      [['male.labs.sperm-concentration', 12, '10*6/mL']],
    ],
    ['morphology 2%, is IVF our only option?', [['male.labs.normal-morphology', 2, '%']]],
    ['Asiatische Herkunft, BMI 24 – gilt bei mir ein anderer Grenzwert?', [['female.bmi', 24]]],
    ["my husband's BMI is 32, does that matter?", [['male.bmi', 32]]],
    ['مؤشر كتلة الجسم ١٨ والدورة تتأخر', [['female.bmi', 18]]],
    ['وزني ناقص ومؤشر كتلة الجسم ١٨', [['female.bmi', 18]]], // "and BMI 18": the "and" is a prefix
    ['should I take progesterone after 2 miscarriages?', [['female.history.miscarriages', 2]]],
    ['Nach drei Fehlgeburten: welche Tests?', [['female.history.miscarriages', 3]]],
  ] as const)('%s', (q, expected) => expect(fields(q)).toEqual(expected));

  it('reads nothing whose unit cannot be known, nor the asker’s age or time trying', () => {
    expect(fields('my AMH is 0.8, is that low?')).toEqual([]); // ng/mL or pmol/L: a factor of 7
    expect(fields('my day 21 progesterone came back at 18')).toEqual([]); // ng/mL or nmol/L
    expect(fields('im 41, never had ivf before, been trying about 2.5 yrs')).toEqual([]);
    expect(fields('What BMI is too high for IVF?')).toEqual([]);
    expect(fields('How many miscarriages before it is called recurrent?')).toEqual([]);
    expect(fields('BMI 250')).toEqual([]); // outside the reading range
    expect(fields('a total count of 40 million')).toEqual([]); // a total, not a concentration
    // An age or a duration after the number is not a value.
    expect(fields('what is a normal FSH at 40?')).toEqual([]);
    expect(fields('TSH at 12 weeks pregnant, is that normal?')).toEqual([]);
    expect(fields('FSH à 40 ans, c’est normal ?')).toEqual([]);
    expect(fields('my TSH was at 3.9')).toEqual([['female.labs.tsh', 3.9, 'mIU/L']]);
  });

  it('works out a BMI from a weight and a height given together, each partner’s own', () => {
    const bmi = (q: string) => reader.read(q).bmi;
    expect(bmi('وزني ٥١ كيلو وطولي ١٦٨، والدورة تجيني كل شهرين')).toEqual({ female: 18.1 });
    expect(bmi('I weigh 51 kg and I am 1.68 m, is my weight the problem?')).toEqual({ female: 18.1 });
    expect(bmi('Je pèse 95 kg pour 1m65, dois-je maigrir avant la FIV ?')).toEqual({ female: 34.9 });
    expect(bmi('Ich wiege 48 kg bei 172 cm, ist das zu wenig?')).toEqual({ female: 16.2 });
    expect(bmi('Tenho 1,70 e peso 110 kg. Preciso emagrecer?')).toEqual({ female: 38.1 });
    expect(bmi('My husband weighs 120 kg and he is 1.80 m tall')).toEqual({ male: 37 });
    // A stated BMI wins; a weight alone, an age, or a weight change gives none.
    expect(bmi('Mido 1,60 y peso 82 kilos, o sea IMC 32')).toEqual({ female: 32 });
    expect(bmi('I am 34 and weigh 60 kg')).toEqual({});
    expect(bmi('I lost 25 kg after my gastric sleeve and I am 1.65 m')).toEqual({});
    expect(bmi('I am 1.65 m and 12 kg')).toEqual({}); // outside the weights read
  });

  it('builds a partial intake of what has an intake field, BMI apart', () => {
    const r = reader.read('TSH 3.4 and BMI 31 after 3 miscarriages');
    expect(r.intake).toEqual({
      female: { labs: [{ analyte: 'tsh', value: 3.4, unit: 'mIU/L' }], history: { miscarriages: 3 } },
    });
    expect(r.bmi).toEqual({ female: 31 });
    expect(reader.read('Does smoking affect fertility?')).toEqual({ intake: null, bmi: {}, read: [] });
  });

  it('refuses a data file naming an unknown analyte', () => {
    const data = parse(readFileSync(join(CLINICAL_DIR, 'terminology', 'stated-values.yaml'), 'utf8')) as {
      labs: Array<{ analyte: string }>;
    };
    data.labs.push({ analyte: 'no-such-analyte' });
    expect(() => buildStatedFactsReader(data)).toThrow(/unknown analyte "no-such-analyte"/);
  });

  it('never throws, and every value read is a finite number written in the question', () => {
    const words = [
      'TSH',
      'AMH',
      'BMI',
      'FSH',
      'is',
      'of',
      'ng/ml',
      'pmol/l',
      '%',
      'miscarriages',
      'his',
      'de',
      '0,8',
      '3.1',
      '٢٤',
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc
            .array(fc.oneof(fc.constantFrom(...words), fc.integer({ min: 0, max: 500 }).map(String)), {
              maxLength: 12,
            })
            .map((w) => w.join(' ')),
        ),
        (q) => {
          const r = reader.read(q);
          const folded = foldText(asciiDigits(q));
          for (const v of r.read) {
            expect(Number.isFinite(v.value)).toBe(true);
            expect(folded).toContain(v.text);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
