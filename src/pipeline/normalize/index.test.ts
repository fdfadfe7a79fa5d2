import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NormalizedReportSchema } from '../../domain/observation.js';
import { PROJECT_ROOT } from '../../paths.js';
import { MAX_REPORT_BYTES, computeFlag, normalizeLabReport, reportError, toFhirBundle } from './index.js';

const BAD = join(PROJECT_ROOT, 'fixtures', 'lab-reports', 'bad');
const bad = (f: string): Buffer => readFileSync(join(BAD, f));

describe('bad input: a clear error, never a crash', () => {
  it('empty file → input-empty', async () => {
    const r = await normalizeLabReport(bad('empty.txt'), { filename: 'empty.txt' });
    expect(reportError(r)?.code).toBe('input-empty');
    expect(r.observations).toEqual([]);
    expect((await normalizeLabReport('   \n\t\n')).warnings[0]?.code).toBe('input-empty');
  });

  it('binary junk → input-binary', async () => {
    const r = await normalizeLabReport(bad('binary-junk.bin'), { filename: 'binary-junk.bin' });
    expect(reportError(r)?.code).toBe('input-binary');
  });

  it('a 50 MB input → input-too-large, without parsing it', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 'AMH 1.2 ng/mL\n');
    const r = await normalizeLabReport(big);
    expect(reportError(r)).toMatchObject({ code: 'input-too-large', severity: 'error' });
    expect(reportError(r)?.message).toContain(String(MAX_REPORT_BYTES));
  });

  it('malformed FHIR → fhir-invalid; malformed HL7 → hl7-invalid', async () => {
    expect(
      reportError(await normalizeLabReport(bad('malformed-fhir.json'), { filename: 'malformed-fhir.json' }))
        ?.code,
    ).toBe('fhir-invalid');
    const hl7 = reportError(
      await normalizeLabReport(bad('malformed-hl7.hl7'), { filename: 'malformed-hl7.hl7' }),
    );
    expect(hl7?.code).toBe('hl7-invalid');
    expect(hl7?.message).toMatch(/encoding characters/);
  });

  it('a PDF without text layer → pdf-no-text-layer; a non-PDF named .pdf → pdf-unreadable', async () => {
    const scan = readFileSync(join(PROJECT_ROOT, 'fixtures', 'lab-reports', 'pdf-no-text-layer.pdf'));
    expect(reportError(await normalizeLabReport(scan))?.code).toBe('pdf-no-text-layer');
    expect(
      reportError(await normalizeLabReport(Buffer.from('AMH 1.2 ng/mL'), { filename: 'x.pdf' }))?.code,
    ).toBe('pdf-unreadable');
  });

  it('a line with two numbers → value-ambiguous warning, no observation for it', async () => {
    const r = await normalizeLabReport(bad('two-numbers.txt'));
    expect(reportError(r)).toBeNull();
    expect(r.observations.map((o) => o.analyte)).toEqual(['lh']);
    const w = r.warnings.find((x) => x.code === 'value-ambiguous');
    expect(w).toMatchObject({ severity: 'warning', path: 'lines[2]' });
    expect(w?.message).toContain('6.5');
    expect(w?.message).toContain('7.2');
  });

  it('an unknown or unconvertible unit → a warning and no observation with a wrong unit', async () => {
    const r = await normalizeLabReport(bad('unknown-unit.txt'));
    expect(r.observations.map((o) => o.analyte)).toEqual(['lh']);
    const codes = r.warnings.map((w) => [w.code, w.path]);
    expect(codes).toContainEqual(['unit-unknown', 'lines[2]']);
    expect(codes).toContainEqual(['unit-unconvertible', 'lines[3]']);
  });

  it('never throws, whatever the bytes or the string', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.uint8Array({ maxLength: 400 })),
        async (input) => {
          const r = await normalizeLabReport(typeof input === 'string' ? input : Buffer.from(input));
          expect(NormalizedReportSchema.safeParse(r).success).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('normalizeLabReport', () => {
  it('reads an already-parsed FHIR object', async () => {
    const r = await normalizeLabReport({
      resourceType: 'Observation',
      code: { coding: [{ system: 'http://loinc.org', code: '2842-3' }], text: 'PRL' },
      valueQuantity: { value: 21.2, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
    });
    expect(r.observations[0]).toMatchObject({
      analyte: 'prolactin',
      value: 21.2,
      unit: 'ng/mL',
      confidence: 1,
      loinc: '2842-3',
    });
    expect(r.report?.format).toBe('fhir');
  });

  it('sends a result-looking line it cannot name to unrecognized, never to a guess', async () => {
    const r = await normalizeLabReport('Test   Result   Unit\nZonulin   45   ng/mL\nFSH   6.5   IU/L');
    expect(r.unrecognized).toEqual([{ line: 2, text: 'Zonulin 45 ng/mL', reason: 'analyte-unrecognized' }]);
    expect(r.observations.map((o) => o.analyte)).toEqual(['fsh']);
  });

  it('skips headers, blank lines and comments silently', async () => {
    const r = await normalizeLabReport(
      'HORMONES\n\nTest  Result  Unit  Range\nPage 1 of 2\nComment: repeat in 3 months\nTSH  2.1  mIU/L  0.4 - 4.0\n',
    );
    expect(r.unrecognized).toEqual([]);
    expect(r.observations).toHaveLength(1);
  });

  it('checks a value printed twice in two units and refuses a contradiction', async () => {
    const ok = await normalizeLabReport('AMH   8,57 pmol/l (1,20 ng/ml)');
    expect(ok.observations[0]).toMatchObject({ analyte: 'amh' });
    const contradiction = await normalizeLabReport('AMH   8,57 pmol/l (3,20 ng/ml)');
    expect(contradiction.observations).toEqual([]);
    expect(contradiction.warnings.map((w) => w.code)).toContain('value-ambiguous');
  });

  it('warns when the lab flag disagrees with the printed range', async () => {
    const r = await normalizeLabReport('FSH   11.9 H   IU/L   3.5 - 12.5');
    expect(r.observations[0]).toMatchObject({ flag: 'normal', labFlag: 'H' });
    expect(r.warnings.find((w) => w.code === 'flag-disagrees')).toMatchObject({ path: 'lines[1]' });
  });

  it('flags assay mixing across AMH values of different platforms', async () => {
    const r = await normalizeLabReport('AMH (Elecsys)   1.2   ng/mL\nAMH (Access)   1.5   ng/mL\n');
    expect(r.observations).toHaveLength(2);
    expect(r.warnings.map((w) => w.code)).toContain('assay-mixed');
  });

  it('uses the stated sex to pick a sex-specific printed range', async () => {
    const text = 'Testosterone total   38   ng/dL   M: 264-916   F: 8-48';
    expect((await normalizeLabReport(text, { sex: 'female' })).observations[0]).toMatchObject({
      flag: 'normal',
      referenceRange: { low: 8, high: 48 },
    });
    expect((await normalizeLabReport(text, { sex: 'male' })).observations[0]).toMatchObject({
      flag: 'low',
      referenceRange: { low: 264, high: 916 },
    });
    const unknown = await normalizeLabReport(text);
    expect(unknown.observations[0]).toMatchObject({ flag: null, referenceRange: null });
    expect(unknown.warnings.map((w) => w.code)).toContain('range-unparseable');
  });

  it('drops a structured result whose name or method carries an identifier', async () => {
    const r = await normalizeLabReport({
      resourceType: 'Observation',
      code: { text: 'AMH per Dr. Alan Grant' },
      valueQuantity: { value: 1.2, unit: 'ng/mL' },
    });
    expect(r.observations).toEqual([]);
    expect(JSON.stringify(r)).not.toMatch(/Alan|Grant/);
    expect(r.warnings[0]).toMatchObject({ code: 'deidentified', details: { counts: { name: 1 } } });
  });

  it('emits one deidentified issue with counts and no identifier', async () => {
    const r = await normalizeLabReport(
      'Name: Jane Q. Public    DOB: 02/03/1990\nMRN: 99887766\nFSH  6.5  IU/L  3.5 - 12.5\n',
    );
    const d = r.warnings.filter((w) => w.code === 'deidentified');
    expect(d).toHaveLength(1);
    expect(d[0]?.details).toEqual({ counts: { name: 1, dob: 1, id: 1 } });
    expect(JSON.stringify(r)).not.toMatch(/Jane|Public|1990|99887766/);
  });
});

describe('computeFlag', () => {
  const range = { low: 1, high: 4, unit: 'ng/mL', text: '1 - 4' };
  it('places plain values, bounds included', () => {
    expect(computeFlag(0.5, undefined, range)).toBe('low');
    expect(computeFlag(1, undefined, range)).toBe('normal');
    expect(computeFlag(4, undefined, range)).toBe('normal');
    expect(computeFlag(4.1, undefined, range)).toBe('high');
    expect(computeFlag(4.1, undefined, null)).toBeNull();
  });
  it('places censored values only when the whole interval is on one side', () => {
    expect(computeFlag(0.5, '<', range)).toBe('low');
    expect(computeFlag(1, '<', range)).toBe('low');
    expect(computeFlag(2, '<', range)).toBeNull();
    expect(computeFlag(5, '>', range)).toBe('high');
    expect(computeFlag(4, '>', range)).toBe('high');
    expect(computeFlag(3, '>', range)).toBeNull();
    expect(computeFlag(5, '<', { high: 34, unit: '[IU]/mL', text: '< 34' })).toBe('normal');
  });
  it('honours exclusive bounds printed as "<" and ">"', () => {
    const r = { high: 34, unit: '[IU]/mL', text: '< 34' };
    expect(computeFlag(34, undefined, r, { low: false, high: true })).toBe('high');
    expect(computeFlag(34, undefined, r)).toBe('normal');
  });
});

describe('toFhirBundle', () => {
  it('writes LOINC coding, UCUM quantity, comparator, range, interpretation and method', async () => {
    const r = await normalizeLabReport('TSH (ECLIA)   < 0.01   mIU/L   0.4 - 4.0');
    const bundle = toFhirBundle(r) as {
      entry: Array<{ fullUrl: string; resource: Record<string, unknown> }>;
    };
    const obs = bundle.entry[0]!.resource;
    expect(obs).toMatchObject({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '3016-3' }], text: 'TSH (ECLIA)' },
      valueQuantity: {
        value: 0.01,
        comparator: '<',
        unit: 'm[IU]/L',
        system: 'http://unitsofmeasure.org',
        code: 'm[IU]/L',
      },
      referenceRange: [
        { low: { value: 0.4, code: 'm[IU]/L' }, high: { value: 4, code: 'm[IU]/L' }, text: '0.4 - 4.0' },
      ],
      interpretation: [{ coding: [{ code: 'L' }] }],
      method: { text: 'ECLIA' },
    });
    expect(bundle.entry[0]!.fullUrl).toBe(`urn:uuid:${String(obs.id)}`);
    expect(obs).not.toHaveProperty('subject');
    // Same report, same Bundle.
    expect(toFhirBundle(r)).toEqual(bundle);
  });
});
