/**
 * @module domain/observation
 * The canonical observation (contracts §3): one lab result, named with a terminology analyte id
 * and LOINC code, its value converted to the analyte's canonical unit, the lab's own reference
 * range converted with it, the flag, and exactly what the report said (`original`).
 */
import { z } from 'zod';
import { IssueCodeSchema } from './issue-schema.js';

export const ComparatorSchema = z.enum(['<', '<=', '>', '>=']);
export type Comparator = z.infer<typeof ComparatorSchema>;

export const FlagSchema = z.enum(['low', 'normal', 'high']);
export type Flag = z.infer<typeof FlagSchema>;

export const ReferenceRangeSchema = z.object({
  low: z.number().optional(),
  high: z.number().optional(),
  /** Canonical unit the bounds are expressed in (converted with the value). */
  unit: z.string(),
  /** The range exactly as printed, e.g. "7,1 - 28,6" or "< 34". */
  text: z.string(),
});
export type ReferenceRange = z.infer<typeof ReferenceRangeSchema>;

export const ConversionSchema = z.object({
  from: z.string(),
  to: z.string(),
  factor: z.number(),
  /** `identity` (same unit), `ucum` (UCUM library, incl. mass↔molar with molar mass), `analyte-factor` (data file). */
  via: z.enum(['identity', 'ucum', 'analyte-factor']),
  /** For conventions that differ between sources (e.g. insulin µIU/mL → pmol/L ×6.0 vs ×6.945). */
  convention: z.string().optional(),
});
export type Conversion = z.infer<typeof ConversionSchema>;

export const ObservationSchema = z.object({
  analyte: z.string(),
  loinc: z.string().nullable(),
  value: z.number(),
  unit: z.string(),
  comparator: ComparatorSchema.optional(),
  original: z.object({
    name: z.string(),
    value: z.string(),
    unit: z.string(),
    /** 1-based line (text/CSV/PDF), segment index (HL7) or entry index (FHIR). */
    line: z.number().int(),
  }),
  referenceRange: ReferenceRangeSchema.nullable(),
  flag: FlagSchema.nullable(),
  /** The lab's own flag as printed (H, L, ↑, ↓, *), when present. */
  labFlag: z.string().optional(),
  method: z.string().nullable(),
  /** Probability that the analyte naming is right (calibrated; lexicon hits are near 1). */
  confidence: z.number().min(0).max(1),
  conversion: ConversionSchema.optional(),
  /** Specimen when the report says (serum, plasma, semen, blood). */
  specimen: z.string().optional(),
});
export type Observation = z.infer<typeof ObservationSchema>;

export const UnrecognizedLineSchema = z.object({
  line: z.number().int(),
  text: z.string(),
  /** Why it was not named: no candidate, or best candidate below the threshold. */
  reason: IssueCodeSchema.optional(),
});
export type UnrecognizedLine = z.infer<typeof UnrecognizedLineSchema>;

export const NormalizedReportSchema = z.object({
  observations: z.array(ObservationSchema),
  unrecognized: z.array(UnrecognizedLineSchema),
  warnings: z.array(
    z.object({
      code: IssueCodeSchema,
      severity: z.enum(['error', 'warning', 'info']),
      path: z.string().optional(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  /** What was read: detected format and language(s), line count. No identifiers. */
  report: z
    .object({
      format: z.enum(['text', 'csv', 'pdf', 'fhir', 'hl7v2']),
      languages: z.array(z.string()).optional(),
      lines: z.number().int().optional(),
    })
    .optional(),
});
export type NormalizedReport = z.infer<typeof NormalizedReportSchema>;
