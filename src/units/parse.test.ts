import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR } from '../paths.js';
import { getTerminology } from '../terminology/analytes.js';
import { parseUnit } from './parse.js';
import { isValidUcum } from './ucum.js';

const ucumOf = (t: string): string | null => {
  const r = parseUnit(t);
  return r.kind === 'ok' ? r.value.ucum : null;
};
const issueOf = (t: string): string | undefined => {
  const r = parseUnit(t);
  return r.kind === 'declined' ? r.reasons[0]?.code : undefined;
};

describe('parseUnit', () => {
  it.each([
    ['ng/mL', 'ng/mL'],
    ['ng/ml', 'ng/mL'],
    ['NG/ML', 'ng/mL'],
    ['pg/ml', 'pg/mL'],
    ['pmol/l', 'pmol/L'],
    ['nmol/L', 'nmol/L'],
    ['µg/dL', 'ug/dL'],
    ['μg/dL', 'ug/dL'], // Greek mu
    ['ug/dl', 'ug/dL'],
    ['mcg/dL', 'ug/dL'],
    ['g/L', 'g/L'],
    ['g/dl', 'g/dL'],
    ['mmol/mol', 'mmol/mol'],
    ['%', '%'],
    ['mIU/mL', 'm[IU]/mL'],
    ['mUI/ml', 'm[IU]/mL'], // French
    ['µUI/mL', 'u[IU]/mL'],
    ['uIU/mL', 'u[IU]/mL'],
    ['µIU/ml', 'u[IU]/mL'],
    ['mcIU/mL', 'u[IU]/mL'],
    ['UI/L', '[IU]/L'],
    ['IU/L', '[IU]/L'],
    ['kIU/L', 'k[IU]/L'],
    ['IU/mL', '[IU]/mL'],
    ['million/ml', '10*6/mL'],
    ['millions/mL', '10*6/mL'],
    ['mill/mL', '10*6/mL'],
    ['M/mL', '10*6/mL'],
    ['Mio/ml', '10*6/mL'],
    ['10^6/mL', '10*6/mL'],
    ['10*6/mL', '10*6/mL'],
    ['x10E6/mL', '10*6/mL'],
    ['x 10^6 / mL', '10*6/mL'],
    ['×10⁶/mL', '10*6/mL'],
    ['10^6/ejaculate', '10*6/{ejaculate}'],
    ['million per ejaculate', '10*6/{ejaculate}'],
    ['ml', 'mL'],
    ['cc', 'cm3'],
    ['ng%', 'ng/dL'],
    ['mg%', 'mg/dL'],
    ['(ng/mL)', 'ng/mL'],
    ['[pmol/L]', 'pmol/L'],
    ['m[IU]/L', 'm[IU]/L'], // already UCUM
    ['[pH]', '[pH]'],
    ['pH', '[pH]'],
    ['Ratio', '{ratio}'],
    ['mg/dL', 'mg/dL'],
    ['mmol/L', 'mmol/L'],
    ['µmol/L', 'umol/L'],
    ['mEq/L', 'meq/L'],
    ['K/uL', '10*3/uL'],
    ['mm Hg', 'mm[Hg]'],
    ['mm/hr', 'mm/h'],
    ['U/L', 'U/L'],
  ])('%s → %s', (text, code) => {
    expect(ucumOf(text)).toBe(code);
  });

  it('declines things that are not units we convert, naming the issue', () => {
    expect(issueOf('per HPF')).toBe('unit-unconvertible');
    expect(issueOf('/HPF')).toBe('unit-unconvertible');
    expect(issueOf('#/hpf')).toBe('unit-unconvertible');
    expect(issueOf('+/-')).toBe('unit-unconvertible');
    expect(issueOf('titer')).toBe('unit-unconvertible');
    expect(issueOf('')).toBe('unit-missing');
    expect(issueOf('   ')).toBe('unit-missing');
    expect(issueOf('N/A')).toBe('unit-missing');
    expect(issueOf('bananas/mL')).toBe('unit-unknown');
    expect(issueOf('units')).toBe('unit-unknown'); // ambiguous: which units?
    expect(issueOf('x'.repeat(500))).toBe('unit-unknown');
  });

  it('never throws and always returns a Result on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const r = parseUnit(s);
        expect(['ok', 'declined']).toContain(r.kind);
        if (r.kind === 'ok') expect(isValidUcum(r.value.ucum)).toBe(true);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Zµ%/^*0-9 .()[\]{}#-]{0,30}$/), (s) => {
        expect(['ok', 'declined']).toContain(parseUnit(s).kind);
      }),
      { numRuns: 400 },
    );
  });

  it('every canonical unit and factor unit in the terminology is valid UCUM', () => {
    for (const a of getTerminology().analytes()) {
      expect(isValidUcum(a.unit), `${a.id} ${a.unit}`).toBe(true);
      for (const f of a.factors) expect(isValidUcum(f.unit), `${a.id} factor ${f.unit}`).toBe(true);
    }
  });
});

describe('MIMIC unit strings (../shared/data/lab_tests)', () => {
  const file = join(SHARED_DATA_DIR, 'lab_tests', 'mimic3_demo_labevents_subset.csv');
  if (!existsSync(file)) {
    it.skip(`SKIPPED LOUDLY: ${file} is absent — real unit strings not tested`, () => {});
    return;
  }
  it('every distinct unit string parses or is declined with a named reason', () => {
    const lines = readFileSync(file, 'utf8').split('\n').slice(1);
    const units = new Set<string>();
    for (const line of lines) {
      // Quoted CSV; the unit is the 8th column and never contains a comma in this file.
      const cols = line.split(',');
      if (cols.length >= 9) units.add(cols[7]!.replace(/^"|"$/g, ''));
    }
    expect(units.size).toBeGreaterThan(30);
    const parsed: string[] = [];
    for (const u of units) {
      const r = parseUnit(u);
      if (r.kind === 'ok') parsed.push(u);
      else if (r.kind === 'declined')
        expect(['unit-missing', 'unit-unknown', 'unit-unconvertible'], u).toContain(r.reasons[0]?.code);
      else throw new Error(`parseUnit returned an error for ${JSON.stringify(u)}`);
    }
    // The units our analytes are reported in must all parse.
    for (const u of [
      'mg/dL',
      'ng/mL',
      'ng/ml',
      'pg/mL',
      'uIU/mL',
      'mIU/mL',
      'ug/dL',
      'ng/dL',
      'g/dL',
      'mmol/L',
      '%',
      'IU/L',
      'uU/ML',
      'MG/DL',
    ]) {
      expect(parsed, u).toContain(u);
    }
    // The MIMIC strings we do not read are exactly these (empty, per-field counts, bare "units",
    // Ehrlich units, qualitative markers).
    const notParsed = [...units].filter((u) => !parsed.includes(u)).sort();
    const allowed = ['', ' ', 'NA', '#/hpf', '#/lpf', '+/-', 'EU/dL', 'Pos/Neg', 'UNITS', 'units'];
    for (const u of notParsed) expect(allowed, JSON.stringify(u)).toContain(u);
  });
});
