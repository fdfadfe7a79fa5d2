/**
 * @module domain/intake
 * The couple intake (contracts §4): what a couple and their clinician tell the engine. Every field
 * is optional — what is missing makes classifications `insufficient-data`, never a guess — but
 * every field that *is* given must have the right type: a string where a number belongs, an
 * unknown key (often a typo such as `heigthCm`) or a fractional count is a validation error
 * naming the field. Nothing is coerced.
 *
 * This schema checks types only. Plausibility (negative ages, height in metres, weight 0,
 * contradictory lab entries, unknown analyte ids) needs data and the terminology, and is checked
 * in `pipeline/profile/intake` against `clinical/criteria/plausibility.yaml`.
 *
 * Extensions to contracts §4 (all optional, documented in docs/profile.md): lab entries may carry
 * `date`, `cycleDay`, `comparator`, `flag`, `referenceRange` and `method`; `female` may carry
 * `ovarianMorphology` (ultrasound) and `uterineCavity`; `male` may carry `labs`; `prakriti` may
 * say whose answers they are (`subject`).
 */
import { z } from 'zod';
import { ComparatorSchema, FlagSchema } from './observation.js';

/** A count of events or cycles: a non-negative whole number. */
const Count = z.number().int('must be a whole number').min(0, 'must not be negative');
/** A measurement: a finite number (the sign and range are checked by plausibility rules). */
const Measure = z.number();

/**
 * One structured lab result as the intake gives it, in any convertible unit. `referenceRange`
 * bounds are in the same unit as `value`; `flag` is the lab's own flag, when known.
 */
export const IntakeLabSchema = z.strictObject({
  analyte: z.string().min(1, 'an analyte id is required (e.g. "amh")'),
  value: Measure,
  unit: z.string().min(1, 'a unit is required (e.g. "ng/mL")'),
  comparator: ComparatorSchema.optional(),
  /** Date the sample was taken (YYYY-MM-DD); used to pick the latest value and to detect contradictions. */
  date: z.iso.date('a date looks like 2024-03-01').optional(),
  /** Menstrual-cycle day of the sample (day 1 = first day of bleeding); needed for early-follicular FSH/estradiol. */
  cycleDay: z.number().int('must be a whole number').min(1, 'cycle days start at 1').optional(),
  flag: FlagSchema.optional(),
  referenceRange: z
    .strictObject({ low: Measure.optional(), high: Measure.optional() })
    .refine((r) => r.low !== undefined || r.high !== undefined, 'give low, high or both')
    .optional(),
  method: z.string().min(1).optional(),
});
export type IntakeLab = z.infer<typeof IntakeLabSchema>;

export const SmokingSchema = z.enum(['never', 'former', 'current']);

export const LifestyleSchema = z.strictObject({
  smoking: SmokingSchema.optional(),
  alcoholUnitsPerWeek: Measure.optional(),
  caffeineMgPerDay: Measure.optional(),
  exerciseMinutesPerWeek: Measure.optional(),
  sleepHours: Measure.optional(),
});
export type Lifestyle = z.infer<typeof LifestyleSchema>;

const partnerFields = {
  age: Measure.optional(),
  heightCm: Measure.optional(),
  weightKg: Measure.optional(),
  /** Free text, kebab-case by convention (e.g. "south-asian"); which values call for Asian BMI cut-offs is data. */
  ethnicity: z.string().min(1).optional(),
  labs: z.array(IntakeLabSchema).optional(),
  /** Raw lab report texts, normalized on the way in by the same code as `fertility normalize`. */
  labReports: z.array(z.string()).optional(),
  lifestyle: LifestyleSchema.optional(),
};

export const TreatmentSchema = z.strictObject({
  type: z.enum(['iui', 'ivf', 'icsi']),
  cycles: Count.optional(),
  stimulated: z.boolean().optional(),
  /** Oocytes retrieved per cycle of this entry (give one entry per cycle when counts differ). */
  oocytesRetrieved: Count.optional(),
  outcome: z.enum(['not-pregnant', 'pregnant', 'miscarriage', 'live-birth']).optional(),
});
export type Treatment = z.infer<typeof TreatmentSchema>;

export const FemaleIntakeSchema = z.strictObject({
  ...partnerFields,
  cycle: z.strictObject({ regular: z.boolean().optional(), lengthDays: Measure.optional() }).optional(),
  tryingMonths: Measure.optional(),
  afc: Count.optional(),
  tubalPatency: z.enum(['bilateral', 'unilateral', 'none', 'unknown']).optional(),
  /** Extension: uterine cavity assessment (hysteroscopy, saline sonography, HSG). */
  uterineCavity: z.enum(['normal', 'abnormal', 'unknown']).optional(),
  /** Extension: ovarian morphology on ultrasound (polycystic ovarian morphology or not). */
  ovarianMorphology: z.enum(['polycystic', 'normal']).optional(),
  history: z
    .strictObject({
      livebirths: Count.optional(),
      miscarriages: Count.optional(),
      ectopic: Count.optional(),
      endometriosis: z.boolean().optional(),
      pcosDiagnosed: z.boolean().optional(),
      hyperandrogenism: z.boolean().optional(),
    })
    .optional(),
  treatments: z.array(TreatmentSchema).optional(),
});
export type FemaleIntake = z.infer<typeof FemaleIntakeSchema>;

export const MaleIntakeSchema = z.strictObject({
  ...partnerFields,
  semen: z.array(IntakeLabSchema).optional(),
});
export type MaleIntake = z.infer<typeof MaleIntakeSchema>;

export const PrakritiAnswersSchema = z.strictObject({
  /** Whose constitution the answers describe; needed to combine dosha signals with that partner's data. */
  subject: z.enum(['female', 'male']).optional(),
  answers: z.record(z.string(), z.string()),
});
export type PrakritiAnswers = z.infer<typeof PrakritiAnswersSchema>;

/** The couple intake of contracts §4. */
export const IntakeSchema = z.strictObject({
  female: FemaleIntakeSchema.optional(),
  male: MaleIntakeSchema.optional(),
  prakriti: PrakritiAnswersSchema.optional(),
});
export type Intake = z.infer<typeof IntakeSchema>;
export type Partner = 'female' | 'male';
