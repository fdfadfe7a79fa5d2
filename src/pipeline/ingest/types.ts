/**
 * @module pipeline/ingest/types
 * What a reader hands to normalization: raw result candidates, each with where it came from
 * (1-based line for text, CSV and PDF; segment number for HL7 v2; entry number for FHIR), and
 * issues. Readers never throw on bad input: they return an error issue instead.
 */
import type { Issue } from '../../domain/issues.js';
import type { DeidCounts } from '../normalize/deidentify.js';

export type ReportFormat = 'text' | 'csv' | 'pdf' | 'fhir' | 'hl7v2';

/** A printed line (text, PDF, a CSV preamble line): the line parser reads it. */
export interface LineCandidate {
  kind: 'line';
  line: number;
  text: string;
}

/** A result whose parts a structured format already separates (CSV row, FHIR Observation, HL7 OBX). */
export interface FieldsCandidate {
  kind: 'fields';
  line: number;
  /** A short, identifier-free rendering for `unrecognized` and warnings. */
  text: string;
  name: string;
  /** The value as printed (may hold a comparator and a flag, e.g. "<0.1", "12.5 H"). */
  value: string;
  unit: string;
  /** A range as printed, read by the range parser. */
  range?: string;
  /** A range already split into bounds (FHIR referenceRange), in `rangeUnit` (or `unit`). */
  rangeBounds?: { low?: number; high?: number; text: string; unit?: string };
  /** The column is a lower reference limit (WHO semen tables). */
  rangeIsLowerLimit?: boolean;
  flag?: string;
  method?: string;
  /** LOINC code given by the source; wins over the name when the terminology knows it. */
  loinc?: string;
  /** Comparator given separately by the source (FHIR valueQuantity.comparator, HL7 SN). */
  comparator?: string;
  /** Numeric value given as a number by the source (FHIR), so no decimal-mark guessing. */
  numeric?: number;
  specimen?: string;
}

export type Candidate = LineCandidate | FieldsCandidate;

/** The output of a reader. */
export interface ReadResult {
  format: ReportFormat;
  candidates: Candidate[];
  /** Errors stop normalization (nothing else is produced); warnings and infos travel along. */
  issues: Issue[];
  /** Identifiers removed while reading (dropped resources, segments, columns). */
  deid: DeidCounts;
  /** Number of lines / segments / entries read. */
  lines: number;
}

/** A failed read: one error issue and nothing else. */
export function failedRead(format: ReportFormat, err: Issue): ReadResult {
  return { format, candidates: [], issues: [err], deid: {}, lines: 0 };
}
