/**
 * @module pipeline/profile/criteria
 * The classification criteria as data: `clinical/criteria/*.yaml`, each validated here against
 * its schema (thresholds with units, criterion set, and a traced source that `kb`-style checks can
 * resolve). Code asks these objects for thresholds; it holds no clinical numbers of its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CriterionSetSchema } from '../../domain/profile.js';
import { TracedSourceSchema } from '../../domain/source.js';
import { CLINICAL_DIR } from '../../paths.js';

export const ThresholdSchema = z.object({
  op: z.enum(['lt', 'lte', 'gt', 'gte']),
  value: z.number(),
  unit: z.string(),
});
export type Threshold = z.infer<typeof ThresholdSchema>;

const ClassBoundsSchema = z.array(z.object({ value: z.string(), below: z.number().optional() })).min(2);

export const BmiCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  schemes: z.object({
    international: z.object({ label: z.string(), classes: ClassBoundsSchema }),
    asian: z.object({ label: z.string(), classes: ClassBoundsSchema }),
  }),
  asianEthnicities: z.array(z.string()),
});
export type BmiCriteria = z.infer<typeof BmiCriteriaSchema>;

const MarkerSchema = z
  .object({
    name: z.string(),
    analyte: z.string().optional(),
    field: z.string().optional(),
    earlyFollicularOnly: z.boolean().optional(),
    threshold: ThresholdSchema,
    why: z.string(),
  })
  .refine(
    (m) => (m.analyte === undefined) !== (m.field === undefined),
    'a marker reads an analyte or a field',
  );

export const OvarianReserveCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  lowMarkers: z.array(MarkerSchema).min(1),
  earlyFollicularDays: z.object({ min: z.number().int(), max: z.number().int() }),
  normalNeedsOneOf: z.array(z.string()).min(1),
});
export type OvarianReserveCriteria = z.infer<typeof OvarianReserveCriteriaSchema>;

export const PoseidonCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  subgroupSource: TracedSourceSchema,
  olderFromAge: z.number(),
  poorReserveAfcBelow: z.number(),
  lowResponseMaxOocytes: z.number().int(),
  subgroupPoorBelow: z.number().int(),
  amhThreshold: z.null(),
});
export type PoseidonCriteria = z.infer<typeof PoseidonCriteriaSchema>;

const RangeSchema = z.object({ low: z.number(), high: z.number(), unit: z.string() });
export const BolognaCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  minFeatures: z.number().int(),
  features: z.object({
    age: z.object({ threshold: ThresholdSchema, why: z.string() }),
    previousPoorResponse: z.object({ maxOocytes: z.number().int(), why: z.string() }),
    abnormalOrt: z.object({
      afc: RangeSchema,
      amh: RangeSchema.extend({ analyte: z.string() }),
      why: z.string(),
    }),
  }),
});
export type BolognaCriteria = z.infer<typeof BolognaCriteriaSchema>;

export const PcosCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  guidelineSource: TracedSourceSchema,
  cycleSource: TracedSourceSchema,
  minCriteria: z.number().int(),
  ovulatoryDysfunction: z.object({ cycleShorterThan: z.number(), cycleLongerThan: z.number() }),
  hyperandrogenism: z.object({ biochemicalAnalytes: z.array(z.string()).min(1) }),
  pcom: z.object({ amhAnalyte: z.string(), amhAdultFromAge: z.number() }),
  exclusionsNote: z.string(),
});
export type PcosCriteria = z.infer<typeof PcosCriteriaSchema>;

const LimitSchema = z.object({ value: z.number(), unit: z.string() });
const SemenReferenceSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  limits: z.record(z.string(), LimitSchema),
});
export const SemenCriteriaSchema = z.object({
  defaultReference: z.enum(['who2021', 'who2010']),
  references: z.object({ who2021: SemenReferenceSchema, who2010: SemenReferenceSchema }),
  terms: z
    .array(
      z.object({
        prefix: z.string(),
        analytes: z.array(z.string()).min(1),
        derive: z.object({ analyte: z.string(), product: z.array(z.string()).length(2) }).optional(),
      }),
    )
    .min(1),
  azoospermiaAnalytes: z.array(z.string()).min(1),
});
export type SemenCriteria = z.infer<typeof SemenCriteriaSchema>;
export type SemenReference = z.infer<typeof SemenReferenceSchema>;

export const ThyroidCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  tshAnalyte: z.string(),
  ft4Analyte: z.string(),
  fallbackTshUpper: LimitSchema,
  autoimmunity: z.object({ analyte: z.string(), criterionSet: CriterionSetSchema }),
});
export type ThyroidCriteria = z.infer<typeof ThyroidCriteriaSchema>;

export const ProlactinCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  analyte: z.string(),
  note: z.string(),
});
export type ProlactinCriteria = z.infer<typeof ProlactinCriteriaSchema>;

export const DurationCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  months: z.number(),
  olderFromAge: z.number(),
  olderMonths: z.number(),
});
export type DurationCriteria = z.infer<typeof DurationCriteriaSchema>;

export const AgeBandCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  bands: z.array(z.object({ value: z.string(), below: z.number().optional(), why: z.string() })).min(2),
  additionalSources: z.array(TracedSourceSchema),
});
export type AgeBandCriteria = z.infer<typeof AgeBandCriteriaSchema>;

const FieldCheckSchema = z.object({
  field: z.string().optional(),
  classification: z.string().optional(),
  notIn: z.array(z.union([z.string(), z.boolean(), z.number()])).optional(),
});
export const CoupleCriteriaSchema = z.object({
  criterionSet: CriterionSetSchema,
  source: TracedSourceSchema,
  maleFactor: z.object({
    classification: z.string(),
    absentWhen: z.array(z.string()).min(1),
    note: z.string(),
  }),
  femaleFactors: z.array(
    z.object({
      factor: z.string(),
      field: z.string().optional(),
      classification: z.string().optional(),
      values: z.array(z.union([z.string(), z.boolean(), z.number()])).min(1),
    }),
  ),
  workUp: z.array(z.object({ item: z.string(), anyOf: z.array(FieldCheckSchema).min(1) })).min(1),
  notAssessedByEngine: z.array(z.string()),
});
export type CoupleCriteria = z.infer<typeof CoupleCriteriaSchema>;

const ConditionSchema = z.union([
  z.object({ in: z.array(z.string()).min(1) }),
  ThresholdSchema.omit({ unit: true }),
  z.object({ anyOf: z.array(ThresholdSchema.omit({ unit: true })).min(1) }),
]);
export type FlagCondition = z.infer<typeof ConditionSchema>;
export const LifestyleCriteriaSchema = z.object({
  flags: z.array(
    z.object({
      id: z.string(),
      partner: z.enum(['female', 'male']),
      factor: z.string(),
      field: z.string(),
      raisedWhen: ConditionSchema,
      rule: z.string(),
      source: TracedSourceSchema,
    }),
  ),
  notFlagged: z.array(z.object({ factor: z.string(), reason: z.string() })),
});
export type LifestyleCriteria = z.infer<typeof LifestyleCriteriaSchema>;

const BoundsSchema = z.object({
  min: z.number().optional(),
  max: z.number().optional(),
  unusualBelow: z.number().optional(),
  unusualAbove: z.number().optional(),
  metresBelow: z.number().optional(),
});
export type Bounds = z.infer<typeof BoundsSchema>;
export const PlausibilityCriteriaSchema = z.object({
  fields: z.record(z.string(), BoundsSchema),
  labs: z.object({
    nonNegative: z.boolean(),
    byUnit: z.record(z.string(), BoundsSchema),
    contradictionRelativeTolerance: z.number().min(0).max(1),
  }),
});
export type PlausibilityCriteria = z.infer<typeof PlausibilityCriteriaSchema>;

export const LimitationsSchema = z.object({ limitations: z.array(z.string().min(10)).min(1) });

export const PrognosisCriteriaSchema = z.object({
  reason: z.string(),
  considered: z.array(
    z.object({ model: z.string(), citation: z.string(), status: z.string(), reason: z.string() }),
  ),
});

/** Read and validate one YAML file under `clinical/`; a malformed shipped file is a bug and throws. */
export function loadClinicalYaml<T>(relPath: string, schema: z.ZodType<T>): T {
  const file = join(CLINICAL_DIR, relPath);
  const data: unknown = parse(readFileSync(file, 'utf8'));
  const r = schema.safeParse(data);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`clinical/${relPath} is invalid: ${detail}`);
  }
  return r.data;
}

/** Every criteria file the profile uses. */
export interface ProfileCriteria {
  bmi: BmiCriteria;
  ovarianReserve: OvarianReserveCriteria;
  poseidon: PoseidonCriteria;
  bologna: BolognaCriteria;
  pcos: PcosCriteria;
  semen: SemenCriteria;
  thyroid: ThyroidCriteria;
  prolactin: ProlactinCriteria;
  duration: DurationCriteria;
  ageBands: AgeBandCriteria;
  couple: CoupleCriteria;
  lifestyle: LifestyleCriteria;
  plausibility: PlausibilityCriteria;
  prognosis: z.infer<typeof PrognosisCriteriaSchema>;
  limitations: z.infer<typeof LimitationsSchema>;
}

let cached: ProfileCriteria | undefined;

/** Load (once per process) and validate all profile criteria files. */
export function loadProfileCriteria(): ProfileCriteria {
  cached ??= {
    bmi: loadClinicalYaml('criteria/bmi.yaml', BmiCriteriaSchema),
    ovarianReserve: loadClinicalYaml('criteria/ovarian-reserve.yaml', OvarianReserveCriteriaSchema),
    poseidon: loadClinicalYaml('criteria/poseidon.yaml', PoseidonCriteriaSchema),
    bologna: loadClinicalYaml('criteria/bologna.yaml', BolognaCriteriaSchema),
    pcos: loadClinicalYaml('criteria/pcos.yaml', PcosCriteriaSchema),
    semen: loadClinicalYaml('criteria/semen.yaml', SemenCriteriaSchema),
    thyroid: loadClinicalYaml('criteria/thyroid.yaml', ThyroidCriteriaSchema),
    prolactin: loadClinicalYaml('criteria/prolactin.yaml', ProlactinCriteriaSchema),
    duration: loadClinicalYaml('criteria/infertility-duration.yaml', DurationCriteriaSchema),
    ageBands: loadClinicalYaml('criteria/age-bands.yaml', AgeBandCriteriaSchema),
    couple: loadClinicalYaml('criteria/couple.yaml', CoupleCriteriaSchema),
    lifestyle: loadClinicalYaml('criteria/lifestyle.yaml', LifestyleCriteriaSchema),
    plausibility: loadClinicalYaml('criteria/plausibility.yaml', PlausibilityCriteriaSchema),
    prognosis: loadClinicalYaml('criteria/prognosis.yaml', PrognosisCriteriaSchema),
    limitations: loadClinicalYaml('criteria/limitations.yaml', LimitationsSchema),
  };
  return cached;
}
