import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { americanSpelling } from './spelling.js';
import { analyze } from './tokenize.js';

describe('americanSpelling', () => {
  it('maps British medical spellings to American ones', () => {
    const cases: Record<string, string> = {
      oestradiol: 'estradiol',
      oestrogens: 'estrogens',
      fertilisation: 'fertilization',
      fertilised: 'fertilized',
      randomised: 'randomized',
      amenorrhoea: 'amenorrhea',
      oligomenorrhoea: 'oligomenorrhea',
      gonadotrophin: 'gonadotropin',
      gonadotrophins: 'gonadotropins',
      haemoglobin: 'hemoglobin',
      anaemia: 'anemia',
      ischaemic: 'ischemic',
      paediatric: 'pediatric',
      gynaecology: 'gynecology',
      caesarean: 'cesarean',
      oedema: 'edema',
      foetal: 'fetal',
      anaesthesia: 'anesthesia',
      tumours: 'tumors',
      behavioural: 'behavioral',
      centre: 'center',
      fibres: 'fibers',
      millilitre: 'milliliter',
      analysed: 'analyzed',
      dyspnoea: 'dyspnea',
      ageing: 'aging',
      programme: 'program',
      sulphate: 'sulfate',
    };
    for (const [uk, us] of Object.entries(cases)) expect(americanSpelling(uk), uk).toBe(us);
  });

  it('leaves look-alikes and American spellings alone', () => {
    const same = ['four', 'hour', 'your', 'tour', 'genre', 'acre', 'analysis', 'crisis', 'this', 'estradiol'];
    for (const w of [...same, 'tumor', 'rise', 'disease', 'arise', 'raised'])
      expect(americanSpelling(w), w).toBe(w);
  });

  it('is idempotent and leaves tokens that are not plain lower-case words unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,16}$/), (w) => {
        const once = americanSpelling(w);
        expect(americanSpelling(once)).toBe(once);
      }),
    );
    expect(americanSpelling('ng/ml')).toBe('ng/ml');
    expect(americanSpelling('il6')).toBe('il6');
  });

  it('makes both spellings one index term in the biomedical analyzer', () => {
    const o = { mode: 'biomedical', stopWords: 'english', stem: 'porter2' } as const;
    expect(analyze('oestradiol after in vitro fertilisation', o)).toEqual(
      analyze('estradiol after in vitro fertilization', o),
    );
    expect(analyze('gonadotrophins', o)).toEqual(analyze('gonadotropins', o));
  });
});
