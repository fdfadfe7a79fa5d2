/**
 * @module pipeline/normalize/to-fhir
 * Canonical observations → a FHIR R4 Bundle (type `collection`) of Observations: LOINC coding
 * (when the analyte has a verified code) with the printed name as `code.text`, a UCUM
 * `valueQuantity` with the comparator for censored values, the lab's range converted to the same
 * unit, the interpretation (H/L/N from the computed flag), and the method. No subject: the
 * report was de-identified and the Bundle carries no person.
 */
import { createHash } from 'node:crypto';
import type { NormalizedReport, Observation } from '../../domain/observation.js';
import { getTerminology } from '../../terminology/analytes.js';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

const FLAG_CODES = {
  low: { code: 'L', display: 'Low' },
  normal: { code: 'N', display: 'Normal' },
  high: { code: 'H', display: 'High' },
} as const;

type FhirJson = Record<string, unknown>;

/**
 * A stable uuid-shaped id from the observation's content, so the same report gives the same
 * Bundle (golden tests, de-duplication downstream); not a random id.
 */
function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  // Version 5-style layout (name-based, SHA digest) with the variant bits set.
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function quantity(value: number, unit: string): FhirJson {
  return { value, unit, system: UCUM, code: unit };
}

/** One canonical observation as a FHIR R4 Observation resource. */
export function observationToFhir(o: Observation, index: number): FhirJson {
  const def = getTerminology().analyte(o.analyte);
  const coding: FhirJson[] = [];
  if (o.loinc !== null) coding.push({ system: LOINC, code: o.loinc, ...(def ? { display: def.name } : {}) });
  const valueQuantity: FhirJson = quantity(o.value, o.unit);
  if (o.comparator !== undefined) valueQuantity.comparator = o.comparator;
  const res: FhirJson = {
    resourceType: 'Observation',
    id: stableUuid(`${index}|${o.analyte}|${o.value}|${o.original.line}|${o.original.name}`),
    status: 'final',
    category: [{ coding: [{ system: CATEGORY, code: 'laboratory', display: 'Laboratory' }] }],
    code: { ...(coding.length > 0 ? { coding } : {}), text: o.original.name },
    valueQuantity,
  };
  if (o.flag !== null) {
    res.interpretation = [{ coding: [{ system: INTERPRETATION, ...FLAG_CODES[o.flag] }] }];
  }
  if (o.referenceRange !== null) {
    const rr: FhirJson = { text: o.referenceRange.text };
    if (o.referenceRange.low !== undefined) rr.low = quantity(o.referenceRange.low, o.referenceRange.unit);
    if (o.referenceRange.high !== undefined) rr.high = quantity(o.referenceRange.high, o.referenceRange.unit);
    res.referenceRange = [rr];
  }
  if (o.method !== null) res.method = { text: o.method };
  if (o.specimen !== undefined) res.specimen = { display: o.specimen };
  return res;
}

/** The report's observations as a FHIR R4 Bundle of type `collection`. */
export function toFhirBundle(report: NormalizedReport): FhirJson {
  const entries = report.observations.map((o, i) => {
    const resource = observationToFhir(o, i);
    return { fullUrl: `urn:uuid:${String(resource.id)}`, resource };
  });
  return { resourceType: 'Bundle', type: 'collection', entry: entries };
}
