import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sourceIsComplete, TracedSourceSchema } from '../../domain/source.js';
import { CLINICAL_DIR } from '../../paths.js';
import { getTerminology } from '../../terminology/analytes.js';
import { loadProfileCriteria } from './criteria.js';

/** Every object carrying `verifiedFrom` anywhere in the loaded criteria is a source. */
function sources(x: unknown, path = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (Array.isArray(x)) x.forEach((v, i) => sources(v, `${path}[${i}]`, out));
  else if (x && typeof x === 'object') {
    if ('verifiedFrom' in x) out.push([path, x]);
    for (const [k, v] of Object.entries(x))
      if (k !== 'verifiedFrom') sources(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

describe('profile criteria files', () => {
  const criteria = loadProfileCriteria();

  test('every criteria YAML under clinical/criteria is loaded', () => {
    const files = readdirSync(join(CLINICAL_DIR, 'criteria')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBe(Object.keys(criteria).length);
  });

  const all = sources(criteria);
  test('there are sources to check', () => expect(all.length).toBeGreaterThan(15));

  test.each(all)('%s is a complete, traced source', (_path, s) => {
    const parsed = TracedSourceSchema.parse(s);
    expect(sourceIsComplete(parsed)).toBe(true);
    expect(parsed.verifiedFrom.length).toBeGreaterThan(0);
  });

  test('POSEIDON carries no AMH threshold (unverified)', () => {
    expect(criteria.poseidon.amhThreshold).toBeNull();
  });

  test('Bologna ranges are ranges (low < high), as the consensus gives them', () => {
    const { afc, amh } = criteria.bologna.features.abnormalOrt;
    expect(afc.low).toBeLessThan(afc.high);
    expect(amh.low).toBeLessThan(amh.high);
  });

  test('BMI classes are ordered and end with an open class', () => {
    for (const scheme of Object.values(criteria.bmi.schemes)) {
      const cuts = scheme.classes.flatMap((c) => (c.below === undefined ? [] : [c.below]));
      expect([...cuts].sort((a, b) => a - b)).toEqual(cuts);
      expect(scheme.classes.at(-1)!.below).toBeUndefined();
    }
  });

  // Thresholds are compared with canonical values: a threshold in another unit would be a silent error.
  const term = getTerminology();
  const withUnit: Array<[string, string]> = [
    ...criteria.ovarianReserve.lowMarkers.flatMap((m) =>
      m.analyte ? [[m.analyte, m.threshold.unit] as [string, string]] : [],
    ),
    [criteria.bologna.features.abnormalOrt.amh.analyte, criteria.bologna.features.abnormalOrt.amh.unit],
    [criteria.thyroid.tshAnalyte, criteria.thyroid.fallbackTshUpper.unit],
    ...Object.values(criteria.semen.references).flatMap((r) =>
      Object.entries(r.limits).map(([a, l]) => [a, l.unit] as [string, string]),
    ),
  ];
  test.each(withUnit)('%s threshold is in its canonical unit (%s)', (analyte, unit) => {
    expect(term.analyte(analyte)?.unit).toBe(unit);
  });
  const named = [
    ...criteria.pcos.hyperandrogenism.biochemicalAnalytes,
    criteria.pcos.pcom.amhAnalyte,
    criteria.thyroid.ft4Analyte,
    criteria.thyroid.autoimmunity.analyte,
    criteria.prolactin.analyte,
    ...criteria.semen.terms.flatMap((t) => t.analytes),
    ...criteria.semen.azoospermiaAnalytes,
  ];
  test.each(named)('%s is a terminology analyte', (a) => expect(term.isAnalyte(a)).toBe(true));
});
