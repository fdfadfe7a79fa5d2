/**
 * @module pipeline/profile/classifiers/bmi
 * `bmi-female` / `bmi-male`: WHO BMI classes, with the Asian action points of the WHO 2004 expert
 * consultation when the partner's `ethnicity` is in the data list of `clinical/criteria/bmi.yaml`.
 */
import type { Partner } from '../../../domain/intake.js';
import type { Classification } from '../../../domain/profile.js';
import type { BmiCriteria } from '../criteria.js';
import { numberField, type PartnerData } from '../types.js';
import { classified, insufficient, type Basis } from './common.js';

/**
 * BMI shown with two decimals, truncated rather than rounded so that the shown figure always falls
 * in the same class as the exact value (classes are defined as "below" the next cut-point).
 */
const shown = (bmi: number): number => Math.floor(bmi * 100) / 100;

/** BMI in kg/m² from centimetres and kilograms. */
export function bmiOf(heightCm: number, weightKg: number): number {
  // kg·10⁴/cm² avoids the float noise of (cm/100)² (160 cm, 64 kg must be exactly 25, not
  // 24.999999999999996, or it would fall in the class below); 12 significant digits drop what is left.
  return Number(((weightKg * 10000) / (heightCm * heightCm)).toPrecision(12));
}

/** Classify one partner's BMI. */
export function classifyBmi(partner: Partner, p: PartnerData, c: BmiCriteria): Classification {
  const basis: Basis = {
    id: partner === 'female' ? 'bmi-female' : 'bmi-male',
    criterionSet: c.criterionSet,
    source: c.source,
  };
  const heightCm = numberField(p, 'heightCm');
  const weightKg = numberField(p, 'weightKg');
  const ethnicity = p.fields.get('ethnicity');
  const asian = typeof ethnicity === 'string' && c.asianEthnicities.includes(ethnicity.toLowerCase());
  const scheme = asian ? c.schemes.asian : c.schemes.international;
  const inputs = {
    heightCm: heightCm ?? null,
    weightKg: weightKg ?? null,
    ethnicity: typeof ethnicity === 'string' ? ethnicity : null,
  };
  const which = asian
    ? `${scheme.label}, because ethnicity "${String(ethnicity)}" is in the Asian list`
    : `${scheme.label}${typeof ethnicity === 'string' ? ` (ethnicity "${ethnicity}" is not in the Asian list)` : ''}`;
  if (heightCm === undefined || weightKg === undefined) {
    const need = [
      ...(heightCm === undefined ? [`${partner} partner's height (cm)`] : []),
      ...(weightKg === undefined ? [`${partner} partner's weight (kg)`] : []),
    ];
    return insufficient(basis, need, inputs, `BMI = weight / height²; ${which}`);
  }
  const bmi = bmiOf(heightCm, weightKg);
  const cls = scheme.classes.find((k) => k.below === undefined || bmi < k.below)!;
  return classified(
    basis,
    cls.value,
    { ...inputs, bmi: shown(bmi) },
    `BMI = weight / height² = ${shown(bmi)} kg/m²; ${which}`,
  );
}
