import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR } from '../paths.js';
import { ANALYTES_FILE, getTerminology, loincCheckDigitValid, parseAnalyteTerminology } from './analytes.js';

// contracts §3: these ids and canonical units do not change.
const CONTRACT: Record<string, string> = {
  amh: 'ng/mL',
  fsh: '[IU]/L',
  lh: '[IU]/L',
  estradiol: 'pg/mL',
  progesterone: 'ng/mL',
  prolactin: 'ng/mL',
  tsh: 'm[IU]/L',
  'free-t4': 'ng/dL',
  'anti-tpo': '[IU]/mL',
  'anti-tg': '[IU]/mL',
  'testosterone-total': 'ng/dL',
  shbg: 'nmol/L',
  'dhea-s': 'ug/dL',
  '17-oh-progesterone': 'ng/mL',
  'glucose-fasting': 'mg/dL',
  'insulin-fasting': 'u[IU]/mL',
  hba1c: '%',
  'vitamin-d-25oh': 'ng/mL',
  ferritin: 'ng/mL',
  hemoglobin: 'g/dL',
  'rubella-igg': '[IU]/mL',
  'semen-volume': 'mL',
  'sperm-concentration': '10*6/mL',
  'sperm-total-count': '10*6',
  'progressive-motility': '%',
  'total-motility': '%',
  'normal-morphology': '%',
  'sperm-vitality': '%',
  'semen-ph': '[pH]',
  'dna-fragmentation-index': '%',
};

// LOINC codes tagged V or V-code in ../shared/domain/biomarkers.md (the only ones allowed).
const VERIFIED_LOINC = new Set(
  (
    '38476-8 15067-2 10501-5 14715-7 2243-4 14890-8 2839-9 2842-3 3016-3 11580-8 11579-0 14920-3 70217-5 ' +
    '3024-7 8099-4 32786-6 8098-6 15210-8 5381-9 14913-8 70239-9 2986-8 14914-6 2991-8 24125-7 13967-5 ' +
    '14688-6 2191-5 14569-8 1668-3 14771-0 1558-6 14749-6 2345-7 14796-7 4548-4 17856-6 14635-7 49543-2 ' +
    '46269-7 35365-6 2276-4 718-7 8014-3 5334-8 41763-4 20458-6 22496-4 3160-9 40692-6 9780-8 38544-3 ' +
    '14194-5 6800-7 38540-1 10622-9 9704-8 2752-4 10579-1 10585-8'
  ).split(' '),
);

describe('LOINC check digit', () => {
  it('accepts real codes and rejects the wrong ones seen in public repos (biomarkers.md)', () => {
    expect(loincCheckDigitValid('38476-8')).toBe(true); // AMH
    expect(loincCheckDigitValid('8099-4')).toBe(true); // TPO Ab
    expect(loincCheckDigitValid('718-7')).toBe(true);
    expect(loincCheckDigitValid('38476-0')).toBe(false); // wrong AMH code seen in a repo
    expect(loincCheckDigitValid('8099-3')).toBe(false); // wrong TPO code seen in a repo
    expect(loincCheckDigitValid('38476')).toBe(false);
    expect(loincCheckDigitValid('abc-1')).toBe(false);
  });
});

describe('analyte terminology', () => {
  const t = getTerminology();

  it('has every contracts §3 analyte with exactly its canonical unit', () => {
    for (const [id, unit] of Object.entries(CONTRACT)) {
      expect(t.analyte(id)?.unit, id).toBe(unit);
    }
    expect(Object.keys(CONTRACT)).toHaveLength(30);
  });

  it('uses only LOINC codes verified in biomarkers.md, each with a valid check digit', () => {
    for (const a of t.analytes()) {
      for (const l of a.loinc) {
        expect(VERIFIED_LOINC.has(l.code), `${a.id} ${l.code}`).toBe(true);
        expect(loincCheckDigitValid(l.code)).toBe(true);
      }
    }
  });

  it('maps LOINC codes back to analytes and reports the primary code', () => {
    expect(t.byLoinc('38476-8')?.analyte.id).toBe('amh');
    expect(t.byLoinc('14715-7')?.analyte.id).toBe('estradiol'); // molar code → same analyte
    expect(t.analyte('estradiol')?.primaryLoinc).toBe('2243-4'); // mass code for pg/mL
    expect(t.analyte('insulin-fasting')?.primaryLoinc).toBeNull(); // no fasting-specific code verified
    expect(t.byLoinc('1990-1')).toBeUndefined(); // cholecalciferol is not 25-OH vitamin D
  });

  it('has synonyms in all six languages across the terminology, English for every analyte', () => {
    for (const lang of ['en', 'fr', 'es', 'de', 'pt', 'ar'] as const) {
      const n = t.analytes().reduce((s, a) => s + a.synonyms[lang].length, 0);
      expect(n, lang).toBeGreaterThan(lang === 'ar' ? 5 : 20);
    }
    for (const a of t.analytes()) expect(a.synonyms.en.length, a.id).toBeGreaterThan(0);
  });

  it('never lets a filler or specimen word be a qualifier (a qualifier must not be dropped)', () => {
    const qualifierTokens = new Set(Object.values(t.qualifiers).flatMap((q) => q.tokens));
    for (const f of t.fillers) expect(qualifierTokens.has(f), `filler ${f}`).toBe(false);
    for (const words of Object.values(t.specimens)) {
      for (const w of words) expect(qualifierTokens.has(w), `specimen word ${w}`).toBe(false);
    }
  });

  it('marks platform sensitivity as data (AMH yes, FSH no)', () => {
    expect(t.analyte('amh')?.platformSensitive).toBeDefined();
    expect(t.analyte('fsh')?.platformSensitive).toBeUndefined();
  });

  it('records the two insulin conventions, one default', () => {
    const f = t.analyte('insulin-fasting')!.factors.filter((x) => x.unit === 'pmol/L');
    expect(f.map((x) => x.perCanonical).sort()).toEqual([6.0, 6.945]);
    expect(f.filter((x) => x.default)).toHaveLength(1);
  });

  it('maps method labels to platforms', () => {
    const m = new Map(t.methods().map((x) => [x.id, x]));
    expect(m.get('eclia')?.platform).toBe('roche-elecsys');
    expect(m.get('access')?.platform).toBe('beckman-access');
    expect(m.get('clia')?.platform).toBeNull();
    for (const id of [
      'eclia',
      'clia',
      'elisa',
      'cmia',
      'elecsys',
      'access',
      'architect',
      'gen-ii',
      'ansh',
      'picoamh',
      'icma',
      'afias',
      'kangrun',
      'hplc',
      'lc-ms-ms',
    ]) {
      expect(m.has(id), id).toBe(true);
    }
  });
});

describe('bad data files fail with a message naming the entry', () => {
  const good = readFileSync(ANALYTES_FILE, 'utf8');

  it('names the analyte with a bad LOINC code', () => {
    const bad = good.replace('code: 38476-8, property: mass', 'code: 38476-0, property: mass');
    expect(() => parseAnalyteTerminology(bad, 'x.yaml')).toThrow(/analyte "amh".*check digit/);
  });

  it('names an unknown qualifier group', () => {
    const bad = good.replace('    requires: [hydroxy17]\n', '    requires: [hydroxy18]\n');
    expect(() => parseAnalyteTerminology(bad, 'x.yaml')).toThrow(/17-oh-progesterone.*hydroxy18/);
  });

  it('rejects an UNVERIFIED tag', () => {
    const bad = good.replace(
      '{ code: 38476-8, property: mass, primary: true, tag: V,',
      '{ code: 38476-8, property: mass, primary: true, tag: UNVERIFIED,',
    );
    expect(() => parseAnalyteTerminology(bad, 'x.yaml')).toThrow(/analyte "amh"/);
  });

  it('rejects a synonym without a letter (a flow list split at a comma: [1,25-dihydroxy…])', () => {
    const bad = good.replace("'1,25-dihydroxyvitamin D',", '1,25-dihydroxyvitamin D,');
    expect(() => parseAnalyteTerminology(bad, 'x.yaml')).toThrow(/vitamin-d-1-25.*letter/);
  });

  it('rejects duplicate ids and invalid YAML', () => {
    expect(() => parseAnalyteTerminology(good.replace('  - id: lh\n', '  - id: fsh\n'), 'x.yaml')).toThrow(
      /duplicate/,
    );
    expect(() => parseAnalyteTerminology('analytes: [', 'x.yaml')).toThrow(/not valid YAML/);
  });
});

describe('against the real LOINC value set (../shared/data/lab_tests)', () => {
  const file = join(SHARED_DATA_DIR, 'lab_tests', 'loinc_universal_lab_orders_valueset_2.1.json');
  const present = existsSync(file);
  if (!present) {
    it.skip(`SKIPPED LOUDLY: ${file} is absent — LOINC long names not cross-checked`, () => {});
    return;
  }
  it('every code of ours found in the value set has a long name naming the same analyte', () => {
    const rows = JSON.parse(readFileSync(file, 'utf8')) as Array<{
      LOINC_NUM: string;
      LONG_COMMON_NAME: string;
    }>;
    const names = new Map(rows.map((r) => [r.LOINC_NUM, r.LONG_COMMON_NAME.toLowerCase()]));
    // A word from each analyte that must appear in the official long name.
    const key: Record<string, string> = {
      amh: 'mullerian',
      fsh: 'follitropin',
      lh: 'lutropin',
      estradiol: 'estradiol',
      progesterone: 'progesterone',
      prolactin: 'prolactin',
      tsh: 'thyrotropin',
      'free-t4': 'thyroxine (t4) free',
      'anti-tpo': 'thyroperoxidase ab',
      'anti-tg': 'thyroglobulin ab',
      'testosterone-total': 'testosterone',
      'testosterone-free': 'testosterone free',
      shbg: 'sex hormone binding globulin',
      'dhea-s': 'dhea-s',
      '17-oh-progesterone': '17-hydroxyprogesterone',
      'glucose-fasting': 'fasting glucose',
      glucose: 'glucose',
      hba1c: 'hemoglobin a1c',
      'vitamin-d-25oh': 'vitamin d',
      ferritin: 'ferritin',
      hemoglobin: 'hemoglobin',
      'rubella-igg': 'rubella virus igg',
    };
    let checked = 0;
    for (const a of getTerminology().analytes()) {
      for (const l of a.loinc) {
        const long = names.get(l.code);
        if (!long) continue;
        checked++;
        expect(key[a.id], `no check word for ${a.id}`).toBeDefined();
        expect(long, `${a.id} ${l.code}`).toContain(key[a.id]!);
        if (l.property === 'mass') expect(long).toContain('[mass/volume]');
        if (l.property === 'moles') expect(long).toContain('[moles/volume]');
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
