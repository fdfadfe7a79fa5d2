/**
 * @module domain/profile
 * The couple profile (contracts §5): classifications with their working (rule, inputs, source,
 * criterion set), what is missing, lifestyle flags, the Prakriti scores with their (weak)
 * correlates, the prognosis statement, the couple summary and the warnings raised on the way in.
 *
 * Additions to contracts §5, all documented in docs/profile.md: `criterionSet`, `need`, `notes`,
 * `subgroup` and `additionalSources` on classifications; `partners` (the intake-derived values the
 * facts are computed from); `observations` (every lab value used, with where it came from);
 * `couple`; `prognosis`; `warnings`; `limitations`.
 */
import { z } from 'zod';
import { CLASSIFICATION_IDS, type ClassificationId } from './facts.js';
import { IssueCodeSchema } from './issue-schema.js';
import { ComparatorSchema, FlagSchema } from './observation.js';
import { TracedSourceSchema } from './source.js';

const SEMEN_TERMS = /^(normozoospermia|azoospermia|(oligo)?(astheno)?(terato)?zoospermia|insufficient-data)$/;

/** The values each classification may take (contracts §5 plus the couple-level summaries). */
export const CLASSIFICATION_VALUES: Readonly<Record<ClassificationId, readonly string[] | RegExp>> = {
  'bmi-female': ['underweight', 'normal', 'overweight', 'obese', 'insufficient-data'],
  'bmi-male': ['underweight', 'normal', 'overweight', 'obese', 'insufficient-data'],
  'ovarian-reserve': ['low', 'normal', 'high', 'insufficient-data'],
  poseidon: ['group-1', 'group-2', 'group-3', 'group-4', 'not-low-prognosis', 'insufficient-data'],
  'bologna-por': ['meets', 'does-not-meet', 'insufficient-data'],
  'pcos-rotterdam': ['meets', 'does-not-meet', 'insufficient-data'],
  'semen-who2021': SEMEN_TERMS,
  thyroid: [
    'euthyroid',
    'subclinical-hypothyroidism',
    'overt-hypothyroidism',
    'hyperthyroidism',
    'subclinical-hyperthyroidism',
    'insufficient-data',
  ],
  'thyroid-autoimmunity': ['present', 'absent', 'insufficient-data'],
  prolactin: ['normal', 'raised', 'insufficient-data'],
  'infertility-duration': ['not-yet-infertile', 'infertile', 'insufficient-data'],
  'female-age-band': ['under-35', '35-to-39', '40-to-42', '43-or-over', 'insufficient-data'],
  'male-factor': ['present', 'absent', 'insufficient-data'],
  'couple-factor': ['female-factor', 'male-factor', 'both', 'unexplained', 'insufficient-data'],
};

/** True when `value` is allowed for classification `id`. */
export function isClassificationValue(id: ClassificationId, value: string): boolean {
  const allowed = CLASSIFICATION_VALUES[id];
  return allowed instanceof RegExp ? allowed.test(value) && value !== 'zoospermia' : allowed.includes(value);
}

const InputValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const CriterionSetSchema = z.strictObject({ name: z.string().min(3), year: z.number().int() });
export type CriterionSet = z.infer<typeof CriterionSetSchema>;

export const ClassificationSchema = z
  .object({
    id: z.enum(CLASSIFICATION_IDS),
    value: z.string(),
    /** The inputs the rule used, by name (canonical units are named in the rule text). */
    inputs: z.record(z.string(), InputValue),
    /** The rule applied, in words, with the thresholds and which of several options was used. */
    rule: z.string().min(5),
    source: TracedSourceSchema,
    /** Further sources behind parts of the rule (e.g. a sub-group split read elsewhere). */
    additionalSources: z.array(TracedSourceSchema).optional(),
    criterionSet: CriterionSetSchema,
    /** When `insufficient-data`: what would make the classification. */
    need: z.array(z.string()).optional(),
    /** Caveats a clinician should read with the value. */
    notes: z.array(z.string()).optional(),
    /** POSEIDON sub-group (1a, 1b, 2a, 2b) when the prior response allows it. */
    subgroup: z.string().optional(),
  })
  .refine((c) => isClassificationValue(c.id, c.value), {
    message: 'value not allowed for this classification',
  })
  .refine((c) => c.value !== 'insufficient-data' || (c.need?.length ?? 0) > 0, {
    message: 'an insufficient-data classification must say what is needed',
  });
export type Classification = z.infer<typeof ClassificationSchema>;

export const MissingSchema = z.object({ for: z.enum(CLASSIFICATION_IDS), need: z.array(z.string()).min(1) });
export type Missing = z.infer<typeof MissingSchema>;

export const LifestyleFlagSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  partner: z.enum(['female', 'male']),
  factor: z.string(),
  severity: z.literal('modifiable'),
  inputs: z.record(z.string(), InputValue),
  rule: z.string(),
  source: TracedSourceSchema,
});
export type LifestyleFlag = z.infer<typeof LifestyleFlagSchema>;

export const DoshaSchema = z.enum(['vata', 'pitta', 'kapha']);
export type Dosha = z.infer<typeof DoshaSchema>;

export const CorrelateSchema = z.object({
  id: z.string(),
  /** The dosha signal (and clinical data, if combined) that triggered it, in words. */
  signal: z.string(),
  statement: z.string(),
  study: z.object({ design: z.string(), population: z.string(), n: z.number().int().positive() }),
  evidence: z.enum(['very-low', 'low', 'moderate']),
  label: z.literal('exploratory'),
  /** Always true: a correlate never outranks guideline evidence and never changes a classification. */
  belowGuidelineEvidence: z.literal(true),
  source: TracedSourceSchema,
});
export type Correlate = z.infer<typeof CorrelateSchema>;

export const EvidenceGapSchema = z.object({ topic: z.string(), statement: z.string(), basis: z.string() });

export const PrakritiResultSchema = z.object({
  instrument: z.object({
    id: z.string(),
    name: z.string(),
    version: z.string(),
    validated: z.literal(false),
  }),
  subject: z.enum(['female', 'male']).nullable(),
  answered: z.number().int(),
  items: z.number().int(),
  raw: z.object({ vata: z.number(), pitta: z.number(), kapha: z.number() }),
  vata: z.number(),
  pitta: z.number(),
  kapha: z.number(),
  /** `vata`, `vata-pitta`, … or `tridosha`; null when too few items were answered to score. */
  dominant: z.string().nullable(),
  dominance: z.enum(['single', 'dual', 'tridosha']).nullable(),
  rule: z.string(),
  correlates: z.array(CorrelateSchema),
  evidenceGaps: z.array(EvidenceGapSchema),
  caveats: z.array(z.object({ statement: z.string(), source: TracedSourceSchema })),
  disclaimer: z.string(),
});
export type PrakritiResult = z.infer<typeof PrakritiResultSchema>;

export const PrognosisSchema = z.object({
  available: z.literal(false),
  reason: z.string(),
  considered: z.array(
    z.object({ model: z.string(), citation: z.string(), status: z.string(), reason: z.string() }),
  ),
});
export type Prognosis = z.infer<typeof PrognosisSchema>;

export const CoupleSummarySchema = z.object({
  value: z.enum(['female-factor', 'male-factor', 'both', 'unexplained', 'insufficient-data']),
  femaleFactors: z.array(z.object({ factor: z.string(), because: z.string() })),
  maleFactors: z.array(z.object({ factor: z.string(), because: z.string() })),
  /** Work-up items the intake does not settle; `unexplained` needs this to be empty. */
  incompleteWorkUp: z.array(z.string()),
  /** Parts of the ICMART definition of unexplained infertility the intake cannot express. */
  notAssessedByEngine: z.array(z.string()),
});
export type CoupleSummary = z.infer<typeof CoupleSummarySchema>;

/** A lab value the profile used: canonical value, where it came from, and the lab's flag/range. */
export const ProfileObservationSchema = z.object({
  analyte: z.string(),
  value: z.number(),
  unit: z.string(),
  comparator: ComparatorSchema.optional(),
  flag: FlagSchema.nullable(),
  referenceRange: z
    .object({ low: z.number().optional(), high: z.number().optional(), unit: z.string() })
    .nullable(),
  date: z.string().optional(),
  cycleDay: z.number().int().optional(),
  method: z.string().optional(),
  /** Path into the intake, e.g. `female.labs[0]` or `female.labReports[1] line 12`. */
  from: z.string(),
  original: z.object({ value: z.string(), unit: z.string() }),
});
export type ProfileObservation = z.infer<typeof ProfileObservationSchema>;

const PartnerValue = z.union([z.number(), z.string(), z.boolean()]);
/** Intake-derived values per partner, flat (e.g. `age`, `bmi`, `cycle.regular`), for facts and display. */
export const PartnerSummarySchema = z.record(z.string(), PartnerValue);

export const IssueOutSchema = z.object({
  code: IssueCodeSchema,
  severity: z.enum(['error', 'warning', 'info']),
  path: z.string().optional(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const CoupleProfileSchema = z.object({
  version: z.literal('profile/1'),
  classifications: z.array(ClassificationSchema),
  flags: z.array(LifestyleFlagSchema),
  missing: z.array(MissingSchema),
  prakriti: PrakritiResultSchema.nullable(),
  prognosis: PrognosisSchema,
  couple: CoupleSummarySchema,
  partners: z.object({ female: PartnerSummarySchema, male: PartnerSummarySchema }),
  observations: z.object({
    female: z.array(ProfileObservationSchema),
    male: z.array(ProfileObservationSchema),
  }),
  warnings: z.array(IssueOutSchema),
  /** What this engine deliberately does not assess, and why (unverified sources, missing models). */
  limitations: z.array(z.string()),
});
export type CoupleProfile = z.infer<typeof CoupleProfileSchema>;
