/**
 * @module pipeline/profile
 * `buildProfile(intake)`: couple intake (contracts §4) → couple profile (contracts §5).
 * Validates and normalizes the intake (lab reports go through the same code as
 * `fertility normalize`), runs one small pure classifier per classification id against the cited
 * criteria in `clinical/criteria/`, lists what is missing, raises the lifestyle flags, scores the
 * Prakriti questionnaire with its (weak) correlates, and states why no prognosis model is given.
 *
 * Async because lab reports may be PDFs, which are read asynchronously.
 *
 * @example
 * const r = await buildProfile(JSON.parse(text));
 * if (r.kind === 'ok') console.log(r.value.classifications.map((c) => `${c.id}: ${c.value}`));
 * else console.error(r.kind === 'error' ? r.issues : r.reasons);
 */
import type { Classification, CoupleProfile, Missing, Prognosis } from '../../domain/profile.js';
import { CoupleProfileSchema } from '../../domain/profile.js';
import { ok, type Result } from '../../domain/result.js';
import { classifyBmi } from './classifiers/bmi.js';
import { classifyBologna } from './classifiers/bologna.js';
import { classifyCouple } from './classifiers/couple-factor.js';
import { classifyFemaleAgeBand } from './classifiers/female-age-band.js';
import { classifyInfertilityDuration } from './classifiers/infertility-duration.js';
import { classifyMaleFactor } from './classifiers/male-factor.js';
import { classifyOvarianReserve } from './classifiers/ovarian-reserve.js';
import { classifyPcos } from './classifiers/pcos-rotterdam.js';
import { classifyPoseidon } from './classifiers/poseidon.js';
import { classifyProlactin } from './classifiers/prolactin.js';
import { classifySemen } from './classifiers/semen.js';
import { classifyThyroid, classifyThyroidAutoimmunity } from './classifiers/thyroid.js';
import { loadProfileCriteria, type ProfileCriteria } from './criteria.js';
import { flagLimitations, lifestyleFlags } from './flags.js';
import { validateIntake } from './intake.js';
import { buildPrakriti } from './prakriti.js';
import { partnerSummary } from './summary.js';
import type { ProfileInput, ProfileOptions } from './types.js';

export { profileFacts } from './facts.js';
export type { ProfileOptions } from './types.js';

/** Every classification of the profile, from the classifiers' input. Pure. */
export function classifyAll(
  input: ProfileInput,
  c: ProfileCriteria,
  options: ProfileOptions = {},
): { classifications: Classification[]; couple: CoupleProfile['couple'] } {
  const F = input.female;
  const M = input.male;
  const semen = classifySemen(M, c.semen, options.semenReference ?? c.semen.defaultReference);
  const maleFactor = classifyMaleFactor(semen, c.couple);
  const made: Classification[] = [
    classifyBmi('female', F, c.bmi),
    classifyBmi('male', M, c.bmi),
    classifyOvarianReserve(F, c.ovarianReserve),
    classifyPoseidon(F, c.poseidon),
    classifyBologna(F, c.bologna),
    classifyPcos(F, c.pcos),
    semen,
    classifyThyroid(F, c.thyroid),
    classifyThyroidAutoimmunity(F, c.thyroid),
    classifyProlactin(F, c.prolactin),
    classifyInfertilityDuration(F, c.duration),
    classifyFemaleAgeBand(F, c.ageBands),
    maleFactor,
  ];
  const couple = classifyCouple(F, maleFactor, (id) => made.find((x) => x.id === id), c.couple);
  return { classifications: [...made, couple.classification], couple: couple.summary };
}

/** For each classification not made, the data that would make it (contracts §5 `missing`). */
export function missingData(classifications: readonly Classification[]): Missing[] {
  return classifications.flatMap((c) =>
    c.value === 'insufficient-data' && c.need?.length ? [{ for: c.id, need: c.need }] : [],
  );
}

function prognosis(c: ProfileCriteria): Prognosis {
  return { available: false, reason: c.prognosis.reason, considered: c.prognosis.considered };
}

/**
 * Build the couple profile. `error` when the intake is invalid (every issue names its field);
 * `ok` with the profile otherwise (warnings both in `profile.warnings` and the result's issues).
 */
export async function buildProfile(
  intake: unknown,
  options: ProfileOptions = {},
): Promise<Result<CoupleProfile>> {
  const c = loadProfileCriteria();
  const v = await validateIntake(intake, c.plausibility);
  if (v.kind !== 'ok') return v;
  const { input, observations } = v.value;
  const { classifications, couple } = classifyAll(input, c, options);
  const lookup = (id: string) => classifications.find((x) => x.id === id);
  const pcosRelevant =
    lookup('pcos-rotterdam')?.value === 'meets' || input.female.fields.get('history.pcosDiagnosed') === true;
  const prakriti = buildPrakriti(v.value.intake.prakriti, lookup, pcosRelevant);
  const warnings = [...v.value.warnings, ...prakriti.warnings];
  const profile: CoupleProfile = {
    version: 'profile/1',
    classifications,
    flags: lifestyleFlags(input, c.lifestyle),
    missing: missingData(classifications),
    prakriti: prakriti.result,
    prognosis: prognosis(c),
    couple,
    partners: { female: partnerSummary(input.female), male: partnerSummary(input.male) },
    observations,
    warnings,
    limitations: [...c.limitations.limitations, ...flagLimitations(c.lifestyle), c.prognosis.reason],
  };
  // The profile is a contract (contracts §5): a shape error here is a bug, not bad input.
  const checked = CoupleProfileSchema.safeParse(profile);
  if (!checked.success) {
    throw new Error(
      `buildProfile produced an invalid profile: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return ok(profile, warnings);
}
