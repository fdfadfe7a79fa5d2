/**
 * @module pipeline/normalize
 * The library entry point for lab reports: `normalizeLabReport(input)` reads text, PDF (text
 * layer), CSV/TSV, FHIR R4 JSON or HL7 v2 ORU, de-identifies it, and returns canonical
 * observations (contracts §3). Bad input never throws: the report comes back with an
 * error-severity issue in `warnings` and no observations.
 */
import type { NormalizedReport } from '../../domain/observation.js';
import { readReport } from '../ingest/index.js';
import { normalizeRead, type NormalizeOptions } from './pipeline.js';

export { normalizeRead, computeFlag, type NormalizeOptions } from './pipeline.js';
export { toFhirBundle, observationToFhir } from './to-fhir.js';
export { MAX_REPORT_BYTES } from '../ingest/index.js';

/**
 * Normalize one lab report.
 * @param input the report: text, bytes (any supported format, detected from the content), or
 *   an already-parsed FHIR resource object.
 * @param opts `filename` (a hint for detection and messages), `sex` (when known).
 */
export async function normalizeLabReport(
  input: string | Buffer | Uint8Array | object,
  opts: NormalizeOptions = {},
): Promise<NormalizedReport> {
  const read = await readReport(input, {
    ...(opts.filename !== undefined ? { filename: opts.filename } : {}),
    ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
  });
  return normalizeRead(read, opts);
}

/** The first error of a normalized report (bad input), or null when it was read. */
export function reportError(report: NormalizedReport): NormalizedReport['warnings'][number] | null {
  return report.warnings.find((w) => w.severity === 'error') ?? null;
}
