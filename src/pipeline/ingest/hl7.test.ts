import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readHl7 } from './hl7.js';

const MSH = 'MSH|^~\\&|LIS|LAB|EHR|CLINIC|20240315||ORU^R01|M1|P|2.5.1';

describe('readHl7', () => {
  it('reads OBX segments: LOINC, value, units, range, flag; drops PID/NK1/PV1 unread', () => {
    const msg = [
      MSH,
      'PID|1||MRN1^^^LAB^MR||DOE^JANE||19900101|F',
      'NK1|1|DOE^JOHN|SPO',
      'PV1|1|O',
      'OBX|1|NM|38476-8^AMH^LN||0.38|ng/mL^ng/mL^UCUM|1.0-4.0|L|||F',
      'OBX|2|SN|3016-3^TSH^LN||<^0.01|m[IU]/L^mIU/L^UCUM|0.4-4.0|L|||F',
      'NTE|1||Reviewed by Dr. Somebody',
    ].join('\r');
    const r = readHl7(msg);
    expect(r.issues).toEqual([]);
    expect(r.deid).toEqual({ segment: 3 });
    expect(r.candidates).toEqual([
      {
        kind: 'fields',
        line: 5,
        name: 'AMH',
        value: '0.38',
        unit: 'ng/mL',
        loinc: '38476-8',
        range: '1.0-4.0',
        flag: 'L',
        text: 'AMH 0.38 ng/mL 1.0-4.0',
      },
      {
        kind: 'fields',
        line: 6,
        name: 'TSH',
        value: '<0.01',
        unit: 'm[IU]/L',
        loinc: '3016-3',
        range: '0.4-4.0',
        flag: 'L',
        text: 'TSH <0.01 m[IU]/L 0.4-4.0',
      },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/DOE|JANE|19900101|Somebody/);
  });

  it('honours the encoding characters of MSH-2 and decodes escapes', () => {
    const msg = [
      'MSH#*~!&#LIS#LAB#EHR#C#2024##ORU*R01#M1#P#2.5',
      'OBX#1#NM#2842-3*Prolactin !F! serum*LN##22.6#ng/mL#4.8-23.3#N###F',
    ].join('\n');
    const r = readHl7(msg);
    expect(r.candidates[0]).toMatchObject({
      name: 'Prolactin # serum',
      value: '22.6',
      loinc: '2842-3',
      range: '4.8-23.3',
    });
  });

  it('takes LOINC from the alternate triplet and skips unusable results', () => {
    const msg = [
      MSH,
      'OBX|1|NM|LOC1^Estradiol^L^2243-4^Estradiol^LN||35|pg/mL|12.5-166|N|||F',
      'OBX|2|NM|2839-9^Progesterone^LN||1.1|ng/mL||N|||D',
      'OBX|3|CE|5334-8^Rubella^LN||POS^Positive|||A|||F',
      'OBX|4|SN|X^Ratio^L||^1^:^128',
    ].join('\r');
    const r = readHl7(msg);
    expect(r.candidates).toHaveLength(1);
    expect(r.candidates[0]).toMatchObject({ loinc: '2243-4', name: 'Estradiol' });
    expect(r.issues.map((i) => i.code)).toEqual(['value-unparseable']);
  });

  it('is hl7-invalid with a clear reason', () => {
    expect(readHl7('PID|1').issues[0]?.message).toMatch(/no MSH/);
    expect(readHl7('MSH|^^\\&|A|B').issues[0]?.message).toMatch(/encoding characters/);
    expect(readHl7('MSHA^~\\&|A').issues[0]?.message).toMatch(/field separator/);
    const adt = readHl7('MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5');
    expect(adt.issues[0]).toMatchObject({ code: 'hl7-invalid', path: 'MSH-9' });
    expect(adt.issues[0]?.message).toContain('ADT^A01');
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        readHl7('MSH|^~\\&|' + s);
        readHl7(s);
      }),
    );
  });
});
