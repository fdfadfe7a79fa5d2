import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFhir, readFhirText } from './fhir.js';

const obs = (extra: Record<string, unknown>): Record<string, unknown> => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '38476-8' }], text: 'AMH' },
  ...extra,
});

describe('readFhir', () => {
  it('reads an Observation with valueQuantity, comparator, range, interpretation and method', () => {
    const r = readFhir(
      obs({
        valueQuantity: {
          value: 0.1,
          comparator: '<',
          unit: 'ng/mL',
          system: 'http://unitsofmeasure.org',
          code: 'ng/mL',
        },
        referenceRange: [{ low: { value: 1 }, high: { value: 4 } }],
        interpretation: [{ coding: [{ code: 'L' }] }],
        method: { text: 'Elecsys' },
      }),
    );
    expect(r.issues).toEqual([]);
    expect(r.candidates).toEqual([
      {
        kind: 'fields',
        line: 1,
        name: 'AMH',
        loinc: '38476-8',
        value: '<0.1',
        numeric: 0.1,
        comparator: '<',
        unit: 'ng/mL',
        rangeBounds: { low: 1, high: 4, text: '1 - 4' },
        flag: 'L',
        method: 'Elecsys',
        text: 'AMH <0.1 ng/mL',
      },
    ]);
  });

  it('reads a Bundle, drops Patient resources, resolves DiagnosticReport results once', () => {
    const bundle = {
      resourceType: 'Bundle',
      entry: [
        {
          resource: { resourceType: 'Patient', id: 'p', name: [{ family: 'Doe' }], birthDate: '1990-01-01' },
        },
        { fullUrl: 'urn:uuid:1', resource: obs({ id: 'a', valueQuantity: { value: 1.2, unit: 'ng/mL' } }) },
        {
          resource: {
            resourceType: 'DiagnosticReport',
            result: [{ reference: 'urn:uuid:1' }, { reference: 'Observation/missing' }],
          },
        },
      ],
    };
    const r = readFhir(bundle);
    expect(r.deid).toEqual({ resource: 1 });
    expect(r.candidates).toHaveLength(1);
    expect(r.candidates[0]).toMatchObject({ line: 2, value: '1.2' });
    expect(r.issues.map((i) => [i.code, i.severity])).toEqual([['fhir-invalid', 'warning']]);
    expect(JSON.stringify(r)).not.toMatch(/Doe|1990/);
  });

  it('reads contained Observations of a DiagnosticReport and skips qualitative or erroneous ones', () => {
    const dr = {
      resourceType: 'DiagnosticReport',
      contained: [
        { resourceType: 'Patient', id: 'p' },
        obs({ id: 'o1', valueString: '<0.2' }),
        obs({ id: 'o2', valueCodeableConcept: { text: 'Positive' } }),
        obs({ id: 'o3', status: 'entered-in-error', valueQuantity: { value: 5 } }),
      ],
      result: [{ reference: '#o1' }, { reference: '#o2' }, { reference: '#o3' }],
    };
    const r = readFhir(dr);
    expect(r.deid).toEqual({ resource: 1 });
    expect(r.candidates.map((c) => (c.kind === 'fields' ? [c.line, c.value] : null))).toEqual([[2, '<0.2']]);
  });

  it('is fhir-invalid for what it cannot read', () => {
    expect(readFhirText('{"resourceType": "Bundle", "entry": [').issues[0]?.message).toMatch(
      /not valid JSON/,
    );
    expect(readFhir([]).issues[0]?.code).toBe('fhir-invalid');
    expect(readFhir({ a: 1 }).issues[0]?.path).toBe('resourceType');
    expect(readFhir({ resourceType: 'Medication' }).issues[0]?.message).toMatch(/Medication/);
    expect(readFhir({ resourceType: 'Bundle', entry: {} }).issues[0]?.path).toBe('entry');
    expect(readFhir({ resourceType: 'Patient' }).issues[0]?.message).toMatch(/no lab results/);
    const noCode = readFhir({ resourceType: 'Observation', valueQuantity: { value: 1 } });
    expect(noCode.issues[0]).toMatchObject({ code: 'fhir-invalid', severity: 'warning', path: 'code' });
    const badValue = readFhir(obs({ valueQuantity: { value: '1.2' } }));
    expect(badValue.issues[0]?.path).toBe('valueQuantity.value');
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        readFhir(v);
        readFhir({ resourceType: 'Bundle', entry: [{ resource: v }] });
        readFhir({
          resourceType: 'Observation',
          code: { text: 'AMH' },
          valueQuantity: v,
          referenceRange: [v],
        });
      }),
    );
  });
});
