import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDelimited, readCsv, sniffDelimited } from './csv.js';
import type { FieldsCandidate } from './types.js';

const fields = (text: string): FieldsCandidate[] => readCsv(text).candidates as FieldsCandidate[];

describe('parseDelimited', () => {
  it('follows RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes', () => {
    const rows = parseDelimited('a;"b;c";"say ""hi"""\r\n"multi\nline";x;y\n', ';');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b;c', 'say "hi"'] },
      { line: 2, cells: ['multi\nline', 'x', 'y'] },
    ]);
  });
  it('never throws on any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom(';', ',', '\t', '|') as fc.Arbitrary<';' | ',' | '\t' | '|'>,
        (s, d) => {
          parseDelimited(s, d);
          readCsv(s);
        },
      ),
    );
  });
});

describe('readCsv', () => {
  it('sniffs ";" with decimal commas and a French header, and drops identifier columns', () => {
    const r = readCsv(
      'Nom;Prénom;Analyse;Résultat;Unité;Valeurs de référence\nDOE;Jane;FSH;6,8;UI/l;3,5 - 12,5\n',
    );
    expect(r.issues).toEqual([]);
    expect(r.deid).toEqual({ column: 2 });
    expect(r.candidates).toEqual([
      {
        kind: 'fields',
        line: 2,
        name: 'FSH',
        value: '6,8',
        unit: 'UI/l',
        range: '3,5 - 12,5',
        text: 'FSH 6,8 UI/l 3,5 - 12,5',
      },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/DOE|Jane/);
  });

  it('reads tabs, pipes and commas, with headers in six languages', () => {
    expect(fields('Test\tResult\tUnits\nAMH\t1.2\tng/mL\n')[0]).toMatchObject({
      name: 'AMH',
      value: '1.2',
      unit: 'ng/mL',
    });
    expect(fields('Untersuchung|Ergebnis|Einheit\nLH|5,8|IU/l\n')[0]).toMatchObject({
      name: 'LH',
      value: '5,8',
    });
    expect(fields('Prueba,Resultado,Unidades\nTSH,"2,1",mUI/l\n')[0]).toMatchObject({
      name: 'TSH',
      value: '2,1',
    });
    expect(fields('Exame;Resultado;Unidade\nFSH;6,2;mUI/mL\n')[0]).toMatchObject({
      name: 'FSH',
      value: '6,2',
    });
    expect(fields('التحليل;النتيجة;الوحدة\nAMH;1.5;ng/mL\n')[0]).toMatchObject({ name: 'AMH', value: '1.5' });
  });

  it('reads LOINC, flag, method and a lower-reference-limit column', () => {
    const c = fields(
      'Parameter;Result;Unit;Lower reference limit;Flag;Method;LOINC\nSperm concentration;12;10^6/mL;16;L;Neubauer;9780-8\n',
    )[0]!;
    expect(c).toMatchObject({
      range: '16',
      rangeIsLowerLimit: true,
      flag: 'L',
      method: 'Neubauer',
      loinc: '9780-8',
    });
  });

  it('skips a row whose width differs from the header instead of realigning it', () => {
    const r = readCsv('Test,Result,Unit\nAMH,1,2,ng/mL\nFSH,6.5,mIU/mL\n');
    expect(r.candidates).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: 'csv-invalid', severity: 'warning', path: 'lines[2]' });
  });

  it('is csv-invalid without a recognisable header', () => {
    const r = readCsv('a;b;c\n1;2;3\n');
    expect(r.issues[0]?.code).toBe('csv-invalid');
    expect(r.issues[0]?.severity).toBe('error');
    expect(sniffDelimited('AMH 1.2 ng/mL\nFSH 6.5 IU/L')).toBeNull();
  });
});
