/**
 * @module domain/issues
 * One shape for everything that can go wrong or be worth saying about an input: a code from the
 * catalog below, a severity, a path into the input, a message, and typed details.
 * Codes are defined once here, listed in docs/issues.md and checked against it by a test.
 * Never reuse a code for a different meaning; add a new one.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Issue {
  code: IssueCode;
  severity: Severity;
  /** Where in the input, e.g. `lines[12].unit`, `female.heightCm`, `knowledge/x.yaml#source.year`. */
  path?: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The catalog. Each entry: default severity and what it means. Grouped by the stage that raises it.
 * Adding a code: add it here and to docs/issues.md (the catalog test fails otherwise).
 */
export const ISSUE_CATALOG = {
  // input / transport
  'input-empty': { severity: 'error', meaning: 'The input has no content.' },
  'input-too-large': { severity: 'error', meaning: 'The input exceeds the configured size limit.' },
  'input-binary': { severity: 'error', meaning: 'The input is not text and not a supported binary format.' },
  'input-invalid': {
    severity: 'error',
    meaning: 'The input fails schema validation; the path names the field.',
  },
  'format-unknown': { severity: 'error', meaning: 'The input format could not be detected.' },
  // lab report reading
  'pdf-no-text-layer': {
    severity: 'error',
    meaning: 'The PDF has no extractable text (scanned image); OCR it first.',
  },
  'pdf-unreadable': { severity: 'error', meaning: 'The PDF could not be parsed.' },
  'fhir-invalid': {
    severity: 'error',
    meaning: 'The JSON is not a FHIR R4 Bundle, Observation or DiagnosticReport we can read.',
  },
  'hl7-invalid': {
    severity: 'error',
    meaning: 'The HL7 v2 message is malformed (no MSH segment, bad encoding characters, …).',
  },
  'csv-invalid': { severity: 'error', meaning: 'The delimited file has no recognisable header or columns.' },
  // line parsing and naming
  'analyte-unrecognized': {
    severity: 'warning',
    meaning: 'A result-like line whose analyte could not be named with confidence.',
  },
  'value-unparseable': { severity: 'warning', meaning: 'The result value could not be read as a number.' },
  'value-ambiguous': {
    severity: 'warning',
    meaning: 'The line holds several candidate values and none can be chosen safely.',
  },
  'unit-unknown': { severity: 'warning', meaning: 'The unit string is not one we know.' },
  'unit-unconvertible': {
    severity: 'warning',
    meaning: 'The unit cannot be converted to the canonical unit for this analyte.',
  },
  'unit-missing': { severity: 'warning', meaning: 'No unit was given and none can be assumed safely.' },
  'range-unparseable': {
    severity: 'info',
    meaning: 'The reference range text could not be read; the flag is taken from the lab if present.',
  },
  'flag-disagrees': {
    severity: 'warning',
    meaning: "The lab's own flag disagrees with the flag computed from its range.",
  },
  'assay-mixed': {
    severity: 'warning',
    meaning: 'Values of one analyte come from different assay platforms and are not directly comparable.',
  },
  'conversion-convention': {
    severity: 'info',
    meaning: 'A conversion used one of several published conventions; the factor is recorded.',
  },
  deidentified: {
    severity: 'info',
    meaning: 'Personal identifiers were removed from the input before processing.',
  },
  // profile
  'value-implausible': { severity: 'error', meaning: 'A value is outside what is physiologically possible.' },
  'value-unusual': { severity: 'warning', meaning: 'A value is possible but unusual; check it.' },
  'value-contradictory': {
    severity: 'error',
    meaning: 'Two entries contradict each other (e.g. two different values the same day).',
  },
  'analyte-unknown': { severity: 'error', meaning: 'An analyte id that the terminology does not define.' },
  'insufficient-data': {
    severity: 'info',
    meaning: 'A classification could not be made because inputs are missing.',
  },
  'model-out-of-range': {
    severity: 'info',
    meaning: 'A prediction model was not applied: the couple is outside its validity range.',
  },
  'prakriti-answer-unknown': {
    severity: 'warning',
    meaning:
      'A Prakriti answer names a question or option the questionnaire does not define; it is not scored.',
  },
  'report-no-results': {
    severity: 'warning',
    meaning: 'A lab report given in an intake yielded no recognizable results; nothing from it is used.',
  },
  // knowledge bank
  'kb-schema': { severity: 'error', meaning: 'A knowledge entry fails the entry schema.' },
  'kb-duplicate-id': { severity: 'error', meaning: 'Two entries share an id.' },
  'kb-supersedes-broken': { severity: 'error', meaning: '`supersedes` names an entry that does not exist.' },
  'kb-supersedes-published': {
    severity: 'error',
    meaning: 'A published entry supersedes another entry that is still published.',
  },
  'kb-source-incomplete': {
    severity: 'error',
    meaning: 'A source lacks body, document, year, section, or url/doi.',
  },
  'kb-review-expired': { severity: 'warning', meaning: 'The review-by date has passed.' },
  'kb-concept-unknown': {
    severity: 'error',
    meaning: 'An entry names a concept the terminology does not define.',
  },
  'kb-fact-unknown': {
    severity: 'error',
    meaning: 'An applicability condition names a profile fact that does not exist.',
  },
  'kb-rejected': {
    severity: 'error',
    meaning: 'A knowledge bank failed validation; the previous version keeps serving.',
  },
  'kb-parse': {
    severity: 'error',
    meaning: 'A knowledge file is not valid YAML or JSON Lines; the path names the file and line.',
  },
  'kb-id-mismatch': {
    severity: 'error',
    meaning: "An entry's id differs from its file name (knowledge/<topic>/<id>.yaml).",
  },
  'kb-superseded-orphan': {
    severity: 'warning',
    meaning: "An entry marked superseded is not named in any other entry's `supersedes`.",
  },
  'kb-condition-invalid': {
    severity: 'error',
    meaning: "An applicability condition's operator or value does not fit the fact's type or allowed values.",
  },
  'kb-verified-missing': {
    severity: 'error',
    meaning: '`verifiedFrom` names a shared/domain file that does not exist.',
  },
  'kb-statement-invalid': {
    severity: 'error',
    meaning: 'A statement is empty or carries citation markers or URLs (sources belong in `source`).',
  },
  'kb-document-invalid': {
    severity: 'error',
    meaning: 'An imported document or one of its chunks is malformed (metadata, chunk ids, parents).',
  },
  'kb-import-refused': {
    severity: 'error',
    meaning: 'A document import was refused: its source metadata is incomplete or the input cannot be read.',
  },
  // answering
  'question-empty': { severity: 'error', meaning: 'The question is empty.' },
  'question-too-long': { severity: 'error', meaning: 'The question exceeds the length limit.' },
  'out-of-scope': { severity: 'info', meaning: 'The question is not about reproductive health.' },
  urgent: { severity: 'info', meaning: 'The question describes warning signs that need urgent care.' },
  'insufficient-evidence': { severity: 'info', meaning: 'The knowledge bank does not support an answer.' },
  'citation-unsupported': {
    severity: 'warning',
    meaning: 'A generated sentence was removed: its cited evidence does not support it.',
  },
  'llm-unavailable': {
    severity: 'warning',
    meaning: 'The configured language model could not be reached; the extractive answer was used.',
  },
  // service
  unauthorized: { severity: 'error', meaning: 'No or an unknown API key.' },
  forbidden: { severity: 'error', meaning: 'The key is revoked or not allowed this resource.' },
  'not-found': { severity: 'error', meaning: 'No such resource.' },
  'store-unavailable': { severity: 'error', meaning: 'The database is unreachable; retry later.' },
  'audit-chain-broken': {
    severity: 'error',
    meaning: 'The audit log hash chain does not verify: a record was changed or removed.',
  },
  timeout: { severity: 'error', meaning: 'The request took longer than the configured limit.' },
  // storage
  'already-exists': {
    severity: 'error',
    meaning: 'A resource with this name or id already exists with different content.',
  },
  'identifier-present': {
    severity: 'error',
    meaning:
      'A document to store has a field that identifies a person (name, date of birth, …); only de-identified data is stored.',
  },
  'store-schema-ahead': {
    severity: 'error',
    meaning: 'The database was migrated by a newer version of the engine than this one; upgrade the engine.',
  },
  'store-migration-mismatch': {
    severity: 'error',
    meaning: 'A migration already applied to the database differs from the file of the same number.',
  },
  // HTTP service
  'unsupported-media-type': {
    severity: 'error',
    meaning: 'The request body has a Content-Type this route does not accept.',
  },
  'shutting-down': {
    severity: 'error',
    meaning: 'The server is draining before it stops; retry on another replica or later.',
  },
  'internal-error': {
    severity: 'error',
    meaning:
      'A fault in the service itself (a bug), not in the request; the request id locates it in the logs.',
  },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

export type IssueCode = keyof typeof ISSUE_CATALOG;

/** Build an issue with the catalog's default severity (overridable). */
export function issue(
  code: IssueCode,
  message: string,
  extra: { path?: string; severity?: Severity; details?: Record<string, unknown> } = {},
): Issue {
  const out: Issue = { code, severity: extra.severity ?? ISSUE_CATALOG[code].severity, message };
  if (extra.path !== undefined) out.path = extra.path;
  if (extra.details !== undefined) out.details = extra.details;
  return out;
}

/** Error carrying issues, thrown only at boundaries (CLI, HTTP) where a Result must become an exit. */
export class IssueError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'IssueError';
    this.issues = issues;
  }
}
