import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  deidentifiedIssue,
  deidentifyLine,
  deidentifyLines,
  mergeCounts,
  type DeidCounts,
} from './deidentify.js';
import { isResultLine } from './pipeline.js';

function deid(line: string): { out: string; counts: DeidCounts } {
  const counts: DeidCounts = {};
  return { out: deidentifyLine(line, counts, { isResultLine }), counts };
}

/** [line, identifiers that must be gone, text that must stay] */
const HEADERS: Array<[string, string[], string[]]> = [
  ['Patient Name : Mrs. PRIYA SHARMA        Age/Sex : 32 Y / F', ['PRIYA', 'SHARMA'], ['Age/Sex : 32 Y / F']],
  ['Name: Jane Doe Age: 34 Sex: F', ['Jane', 'Doe'], ['Age: 34 Sex: F']],
  [
    'UHID : MH20240312   Lab No : 240312-0456   Sample ID: 8812345678',
    ['MH20240312', '240312-0456', '8812345678'],
    [],
  ],
  ['Referred by : Dr. A. MEHTA MD', ['MEHTA'], []],
  ['DOB/Age : 12/03/1990 / 34 Y', ['12/03/1990'], ['34 Y']],
  ['Date de naissance : 03/07/1988      Âge : 36 ans', ['03/07/1988'], ['Âge : 36 ans']],
  ['Nom : DUPONT Marie   IPP : 00123456', ['DUPONT', 'Marie', '00123456'], []],
  ['Tél : 01 23 45 67 89   Email: marie.dupont@example.fr', ['01 23 45 67 89', 'marie.dupont'], []],
  ['12 rue des Lilas, 75013 Paris', ['Lilas', '75013'], []],
  ['Calle Mayor 5, 3º izq, 28013 Madrid', ['Mayor 5', '28013'], []],
  ['Hauptstraße 12, 10115 Berlin', ['Hauptstraße', '10115'], []],
  ['Rua Augusta 100, 1100-148 Lisboa', ['Augusta', '1100-148'], []],
  ['Flat 302, Shanti Apartments, Koregaon Park, Pune - 411001', ['Shanti', '411001'], []],
  ['Mobile: +91 98765 43210', ['98765'], []],
  ['الاسم: فاطمة أحمد    العمر: 31', ['فاطمة'], ['العمر: 31']],
  ['تاريخ الميلاد: 1993/05/14', ['1993/05/14'], []],
  ['Geburtsdatum: 14.05.1990   Geschlecht: weiblich', ['14.05.1990'], ['Geschlecht: weiblich']],
  ['Nome: Ana Souza   Data de nascimento: 22/11/1991', ['Ana Souza', '22/11/1991'], []],
  ['Fecha de nacimiento: 22/11/1991   NHC: 4455667', ['22/11/1991', '4455667'], []],
  ['Médecin prescripteur : Dr Jean MARTIN', ['Jean', 'MARTIN'], []],
  ['P.O. Box 12345, Dubai', ['12345'], []],
  ['W/o Rajesh Kumar', ['Rajesh'], []],
  [
    'Auftragsnummer: 4471-2024-03          Einsender: Dr. med. Jürgen Weiß',
    ['4471-2024-03', 'Jürgen', 'Weiß'],
    [],
  ],
  ['Médico solicitante: Dr. Ricardo Almeida   CRM 123456-SP', ['Ricardo', '123456'], []],
  ['رقم الملف / File No: DHC-20240311-0087', ['DHC-20240311-0087'], []],
  [
    'Dubai Healthcare City, Building 64, P.O. Box 505050, Dubai — Tel: +971 4 362 1100',
    ['505050', '362 1100'],
    [],
  ],
  ['Contact: (617) 555-0142', ['555-0142'], []],
];

describe('deidentifyLine', () => {
  it.each(HEADERS)('removes the identifiers of "%s"', (line, gone, kept) => {
    const { out, counts } = deid(line);
    for (const g of gone) expect(out, out).not.toContain(g);
    for (const k of kept) expect(out, out).toContain(k);
    expect(out).toContain(REDACTED);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('keeps age and sex, and never turns a date of birth into an age', () => {
    const { out } = deid('DOB: 14/02/1989   Sex: F');
    expect(out).toBe(`DOB: ${REDACTED}   Sex: F`);
    expect(out).not.toMatch(/\d{2} ?(?:y|years|ans)/i);
  });

  it('does not take "Nombre total de spermatozoïdes" (French "number") for a name label', () => {
    const line = 'Nombre total de spermatozoïdes   120   millions   39';
    expect(deid(line).out).toBe(line);
  });

  it('counts by kind and reports counts, never the text', () => {
    const { lines, counts } = deidentifyLines([
      'Name: Jane Doe',
      'DOB: 01/02/1990',
      'Phone: +1 617 555 0142',
      'AMH 1.2 ng/mL',
    ]);
    expect(counts).toEqual({ name: 1, dob: 1, phone: 1 });
    expect(lines[3]).toBe('AMH 1.2 ng/mL');
    const issue = deidentifiedIssue(counts)!;
    expect(issue.code).toBe('deidentified');
    expect(issue.severity).toBe('info');
    expect(issue.details).toEqual({ counts: { name: 1, dob: 1, phone: 1 } });
    expect(JSON.stringify(issue)).not.toMatch(/Jane|Doe|1990|555/);
    expect(deidentifiedIssue({})).toBeNull();
    expect(mergeCounts({ name: 1 }, { name: 2, id: 1 })).toEqual({ name: 3, id: 1 });
  });
});

describe('result lines survive de-identification intact', () => {
  const results = [
    'ANTI MULLERIAN HORMONE (AMH) (CLIA)         1.42        ng/mL       1.0 - 4.0',
    'FSH\t6.5\tmIU/mL\t3.5-12.5',
    'Hormone anti-müllérienne / AMH ........  8,57        pmol/l      (7,1 - 28,6)',
    'Platelet count                              2,45,000    /cumm       1,50,000 - 4,50,000',
    'Total sperm number                 50.4         10^6/ejaculate     39',
    'Sperm concentration   45000000 /mL  16000000',
    'TSH  0.0123456789 mIU/L  0.4 - 4.0',
    'Prolactine ............................  18,4        ng/ml       4,8 - 23,3',
    'هرمون مضاد مولر / AMH                        0.95 L             ng/mL           1.0 - 4.0',
    'Glucose - Fasting (Plasma-F/ GOD- POD)      92          mg/dL       70 - 100',
  ];
  it.each(results)('%s', (line) => {
    expect(deid(line).out).toBe(line);
  });

  it('holds for generated result lines', () => {
    const name = fc.constantFrom(
      'AMH',
      'FSH',
      'Prolactin',
      'Estradiol (E2) (CLIA)',
      'Sperm concentration',
      'TSH',
      'Vitamin D 25-OH',
      'DHEA-S',
    );
    const unit = fc.constantFrom(
      'ng/mL',
      'mIU/mL',
      'pmol/l',
      'µIU/mL',
      '%',
      'mg/dL',
      '10^6/mL',
      'IU/L',
      'pg/mL',
    );
    fc.assert(
      fc.property(
        name,
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 0, max: 3 }),
        unit,
        fc.integer({ min: 0, max: 99_999 }),
        fc.integer({ min: 1, max: 99_999 }),
        fc.constantFrom('  ', '\t', ' ... ', ' '),
        fc.constantFrom('.', ','),
        (n, v, digits, u, lo, w, sep, mark) => {
          const fmt = (x: number): string => (x / 10 ** digits).toFixed(digits).replace('.', mark);
          const line = `${n}${sep}${fmt(v)}${sep}${u}${sep}${fmt(lo)} - ${fmt(lo + w)}`;
          expect(deid(line).out).toBe(line);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        deid(s);
      }),
      { numRuns: 1000 },
    );
  });
});
