/**
 * @module domain/facts
 * The profile facts that knowledge-entry applicability conditions may test. The couple profile
 * exposes them as a flat map (`ProfileFacts`) so that a condition such as
 * `{ fact: "female.age", op: "lt", value: 40 }` can be evaluated without code per entry, and
 * `kb validate` can reject a condition naming a fact that does not exist.
 *
 * A fact that is absent from the map is *unknown*, never false: a condition over it evaluates to
 * `unknown`, and the answer says which data would settle it.
 */

export type FactValue = number | string | boolean;
export type ProfileFacts = Readonly<Record<string, FactValue>>;

export type FactType = 'number' | 'string' | 'boolean';

export interface FactDefinition {
  type: FactType;
  /** What a person would have to provide for the fact to be known (used in `abstention.missing`). */
  need: string;
  /** For string facts: the allowed values. */
  values?: readonly string[];
  unit?: string;
}

const partnerFacts = (p: 'female' | 'male'): Record<string, FactDefinition> => ({
  [`${p}.age`]: { type: 'number', unit: 'a', need: `${p} partner's age` },
  [`${p}.bmi`]: { type: 'number', unit: 'kg/m2', need: `${p} partner's height and weight` },
  [`${p}.smoking`]: {
    type: 'string',
    values: ['never', 'former', 'current'],
    need: `${p} partner's smoking status`,
  },
  [`${p}.alcoholUnitsPerWeek`]: { type: 'number', need: `${p} partner's alcohol intake (units per week)` },
  [`${p}.caffeineMgPerDay`]: { type: 'number', need: `${p} partner's caffeine intake (mg per day)` },
  [`${p}.exerciseMinutesPerWeek`]: { type: 'number', need: `${p} partner's exercise (minutes per week)` },
  [`${p}.sleepHours`]: { type: 'number', need: `${p} partner's usual sleep (hours)` },
});

/** Classification ids of contracts §5 plus the couple-level summaries; values are listed in profile code. */
export const CLASSIFICATION_IDS = [
  'bmi-female',
  'bmi-male',
  'ovarian-reserve',
  'poseidon',
  'bologna-por',
  'pcos-rotterdam',
  'semen-who2021',
  'thyroid',
  'thyroid-autoimmunity',
  'prolactin',
  'infertility-duration',
  'female-age-band',
  'male-factor',
  'couple-factor',
] as const;
export type ClassificationId = (typeof CLASSIFICATION_IDS)[number];

const classificationFacts: Record<string, FactDefinition> = Object.fromEntries(
  CLASSIFICATION_IDS.map((id) => [
    `class.${id}`,
    { type: 'string', need: `the data for the ${id} classification` },
  ]),
);

export const FACTS: Readonly<Record<string, FactDefinition>> = {
  ...partnerFacts('female'),
  ...partnerFacts('male'),
  'female.tryingMonths': { type: 'number', unit: 'mo', need: 'how long the couple has been trying (months)' },
  'female.cycle.regular': { type: 'boolean', need: 'whether her cycles are regular' },
  'female.cycle.lengthDays': { type: 'number', unit: 'd', need: 'her usual cycle length' },
  'female.afc': { type: 'number', need: 'antral follicle count (ultrasound)' },
  'female.tubalPatency': {
    type: 'string',
    values: ['bilateral', 'unilateral', 'none', 'unknown'],
    need: 'tubal patency test (HSG, HyCoSy or laparoscopy)',
  },
  'female.history.livebirths': { type: 'number', need: 'number of previous live births' },
  'female.history.miscarriages': { type: 'number', need: 'number of previous pregnancy losses' },
  'female.history.ectopic': { type: 'number', need: 'number of previous ectopic pregnancies' },
  'female.history.endometriosis': { type: 'boolean', need: 'whether endometriosis has been diagnosed' },
  'female.history.pcosDiagnosed': { type: 'boolean', need: 'whether PCOS has been diagnosed' },
  'female.history.hyperandrogenism': {
    type: 'boolean',
    need: 'clinical signs of hyperandrogenism (hirsutism, acne)',
  },
  'female.treatments.iui.cycles': { type: 'number', need: 'number of previous IUI cycles' },
  'female.treatments.iui.stimulatedCycles': {
    type: 'number',
    need: 'number of previous stimulated IUI cycles',
  },
  'female.treatments.ivf.cycles': { type: 'number', need: 'number of previous IVF/ICSI cycles' },
  'female.treatments.ivf.minOocytesRetrieved': {
    type: 'number',
    need: 'oocytes retrieved in previous IVF cycles',
  },
  'female.treatments.any': { type: 'boolean', need: 'previous fertility treatment history' },
  ...classificationFacts,
};

/**
 * Lab facts are open-ended: `female.lab.<analyte>` and `male.lab.<analyte>` hold the most recent
 * canonical value of any terminology analyte (canonical unit of contracts §3).
 */
export const LAB_FACT_PATTERN = /^(female|male)\.lab\.([a-z0-9-]+)$/;
/** Lifestyle and clinical flags: `flag.<id>` is true when the flag is raised, absent when unknown. */
export const FLAG_FACT_PATTERN = /^flag\.([a-z0-9-]+)$/;

export function isKnownFact(key: string, isAnalyte: (id: string) => boolean): boolean {
  if (key in FACTS) return true;
  const lab = LAB_FACT_PATTERN.exec(key);
  if (lab) return isAnalyte(lab[2]!);
  return FLAG_FACT_PATTERN.test(key);
}
