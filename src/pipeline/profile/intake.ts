/**
 * @module pipeline/profile/intake
 * From untrusted JSON to what the classifiers read. Four passes, each reporting every problem it
 * finds (not only the first), each naming the field:
 *   1. types - the zod schema of contracts §4 (`domain/intake`): wrong types, unknown keys,
 *      fractional counts are errors; nothing is coerced;
 *   2. plausibility - bounds from `clinical/criteria/plausibility.yaml`: implausible values
 *      (negative, absurd, height in metres, weight 0) are errors, unusual ones are warnings;
 *   3. labs - structured results are checked against the terminology (unknown analyte ids are
 *      errors) and converted to canonical units by `units/convert` (an unconvertible unit is an
 *      error: the value could not be used); raw lab reports go through `normalizeLabReport`, the
 *      same code as `fertility normalize`;
 *   4. selection - one value per analyte: the latest dated one; two different values of one
 *      analyte on the same date (or both undated) are a contradiction, an error naming both.
 */
import type * as NormalizeModule from '../normalize/index.js';
import type { Intake, IntakeLab, Partner } from '../../domain/intake.js';
import { IntakeSchema } from '../../domain/intake.js';
import { issue, type Issue } from '../../domain/issues.js';
import type { NormalizedReport } from '../../domain/observation.js';
import type { ProfileObservation } from '../../domain/profile.js';
import { failed, ok, type Result } from '../../domain/result.js';
import { getTerminology } from '../../terminology/analytes.js';
import { convertRange, toCanonical } from '../../units/convert.js';
import { bmiOf } from './classifiers/bmi.js';
import type { Bounds, PlausibilityCriteria } from './criteria.js';
import { partnerData } from './partner.js';
import { emptyPartner, type ProfileInput } from './types.js';

export interface ValidatedIntake {
  intake: Intake;
  input: ProfileInput;
  /** The observations selected per partner (one per analyte), in the order first seen. */
  observations: { female: ProfileObservation[]; male: ProfileObservation[] };
  warnings: Issue[];
}

// ---------------------------------------------------------------------------------------------
// 1. types

function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    '',
  );
}

/** zod issues → catalog issues naming the field. */
function typeIssues(input: unknown): Issue[] | Intake {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return [
      issue(
        'input-invalid',
        'the intake must be a JSON object with optional "female", "male" and "prakriti"',
        { path: '(root)' },
      ),
    ];
  }
  const r = IntakeSchema.safeParse(input);
  if (r.success) return r.data;
  return r.error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => {
        const path = pathText([...i.path, k]);
        return issue(
          'input-invalid',
          `${path}: unknown field "${k}" (not part of the intake; check the spelling)`,
          { path },
        );
      });
    }
    const path = pathText(i.path) || '(root)';
    return [issue('input-invalid', `${path}: ${i.message}`, { path })];
  });
}

// ---------------------------------------------------------------------------------------------
// 2. plausibility

/** Every value at a spec path such as `*.lifestyle.sleepHours` or `female.treatments.cycles` (arrays expand). */
function valuesAt(root: unknown, spec: string): Array<{ path: string; value: unknown }> {
  let frontier: Array<{ path: string; value: unknown }> = [{ path: '', value: root }];
  for (const key of spec.split('.')) {
    const next: Array<{ path: string; value: unknown }> = [];
    for (const { path, value } of frontier) {
      const items = Array.isArray(value)
        ? value.map((v, i) => ({ path: `${path}[${i}]`, value: v }))
        : [{ path, value }];
      for (const it of items) {
        if (it.value === null || typeof it.value !== 'object') continue;
        const obj = it.value as Record<string, unknown>;
        const keys = key === '*' ? Object.keys(obj).filter((k) => k === 'female' || k === 'male') : [key];
        for (const k of keys)
          if (k in obj) next.push({ path: it.path ? `${it.path}.${k}` : k, value: obj[k] });
      }
    }
    frontier = next;
  }
  return frontier.filter((x) => typeof x.value === 'number');
}

function checkBounds(path: string, v: number, b: Bounds, unit = ''): Issue | undefined {
  const u = unit ? ` ${unit}` : '';
  if (b.metresBelow !== undefined && v > 0 && v < b.metresBelow) {
    return issue(
      'value-implausible',
      `${path} is ${v}: heightCm looks like metres; give centimetres (e.g. ${Math.round(v * 100)})`,
      {
        path,
        details: { value: v },
      },
    );
  }
  if ((b.min !== undefined && v < b.min) || (b.max !== undefined && v > b.max)) {
    const range = `${b.min ?? '−∞'}–${b.max ?? '∞'}${u}`;
    return issue('value-implausible', `${path} is ${v}${u}: outside the plausible range ${range}`, {
      path,
      details: { value: v, ...b },
    });
  }
  if (
    (b.unusualBelow !== undefined && v < b.unusualBelow) ||
    (b.unusualAbove !== undefined && v > b.unusualAbove)
  ) {
    return issue('value-unusual', `${path} is ${v}${u}: possible but unusual; please check it`, {
      path,
      details: { value: v },
    });
  }
  return undefined;
}

function plausibilityIssues(intake: Intake, p: PlausibilityCriteria): Issue[] {
  const out: Issue[] = [];
  for (const [spec, bounds] of Object.entries(p.fields)) {
    for (const { path, value } of valuesAt(intake, spec)) {
      const i = checkBounds(path, value as number, bounds);
      if (i) out.push(i);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. labs

interface Candidate {
  obs: ProfileObservation;
  path: string;
}

type Normalize = typeof NormalizeModule;

// The normalizer (readers, PDF text layer, matcher model) is loaded only when an intake needs it:
// a lab report to read, or a reference range to flag with the same code as `fertility normalize`.
let normalizer: Promise<Normalize> | undefined;
const loadNormalizer = (): Promise<Normalize> => (normalizer ??= import('../normalize/index.js'));

function fromIntakeLab(
  lab: IntakeLab,
  path: string,
  p: PlausibilityCriteria,
  issues: Issue[],
  computeFlag: Normalize['computeFlag'] | undefined,
): Candidate | undefined {
  const term = getTerminology();
  const a = term.analyte(lab.analyte);
  if (!a) {
    issues.push(
      issue(
        'analyte-unknown',
        `${path}.analyte: "${lab.analyte}" is not an analyte id the terminology defines`,
        { path: `${path}.analyte` },
      ),
    );
    return undefined;
  }
  if (p.labs.nonNegative && lab.value < 0) {
    issues.push(
      issue('value-implausible', `${path}.value is ${lab.value}: a lab value cannot be negative`, {
        path: `${path}.value`,
      }),
    );
    return undefined;
  }
  const conv = toCanonical(lab.analyte, lab.value, lab.unit);
  if (conv.kind !== 'ok') {
    const why = conv.kind === 'declined' ? conv.reasons : conv.issues;
    for (const w of why) {
      issues.push(
        issue(
          w.code,
          `${path}.unit: "${lab.unit}" cannot be used for ${lab.analyte} (canonical ${a.unit}): ${w.message}`,
          {
            path: `${path}.unit`,
            severity: 'error',
          },
        ),
      );
    }
    return undefined;
  }
  for (const w of conv.issues) issues.push({ ...w, path: `${path}.unit` });
  const value = conv.value.value;
  const bounds = p.labs.byUnit[conv.value.unit];
  if (bounds) {
    const b = checkBounds(`${path}.value`, value, bounds, conv.value.unit);
    if (b) {
      issues.push(b);
      if (b.severity === 'error') return undefined;
    }
  }
  let referenceRange: ProfileObservation['referenceRange'] = null;
  let flag: ProfileObservation['flag'] = lab.flag ?? null;
  if (lab.referenceRange) {
    const r = convertRange(lab.analyte, lab.referenceRange, lab.unit);
    if (r.kind === 'ok') {
      referenceRange = { unit: r.value.unit };
      if (r.value.low !== undefined) referenceRange.low = r.value.low;
      if (r.value.high !== undefined) referenceRange.high = r.value.high;
      const computed = computeFlag
        ? computeFlag(value, lab.comparator, { ...referenceRange, text: '' })
        : null;
      if (lab.flag && computed && computed !== lab.flag) {
        issues.push(
          issue(
            'flag-disagrees',
            `${path}: flag "${lab.flag}" disagrees with the range given (${computed}); the range is used`,
            { path: `${path}.flag` },
          ),
        );
      }
      flag = computed ?? lab.flag ?? null;
    }
  }
  const obs: ProfileObservation = {
    analyte: lab.analyte,
    value,
    unit: conv.value.unit,
    flag,
    referenceRange,
    from: path,
    original: { value: `${lab.comparator ?? ''}${lab.value}`, unit: lab.unit },
  };
  if (lab.comparator) obs.comparator = lab.comparator;
  if (lab.date) obs.date = lab.date;
  if (lab.cycleDay !== undefined) obs.cycleDay = lab.cycleDay;
  if (lab.method) obs.method = lab.method;
  return { obs, path };
}

function fromReport(report: NormalizedReport, path: string, issues: Issue[]): Candidate[] {
  for (const w of report.warnings) {
    const out: Issue = {
      code: w.code,
      severity: w.severity,
      path: w.path ? `${path}: ${w.path}` : path,
      message: `${path}: ${w.message}`,
    };
    if (w.details) out.details = w.details;
    issues.push(out);
  }
  if (report.observations.length === 0 && !report.warnings.some((w) => w.severity === 'error')) {
    issues.push(
      issue(
        'report-no-results',
        `${path}: no recognizable lab results in this report; nothing from it is used`,
        { path },
      ),
    );
  }
  for (const u of report.unrecognized) {
    issues.push(
      issue(
        'analyte-unrecognized',
        `${path} line ${u.line}: a result-like line was not recognized and is not used`,
        { path },
      ),
    );
  }
  return report.observations.map((o) => {
    const obs: ProfileObservation = {
      analyte: o.analyte,
      value: o.value,
      unit: o.unit,
      flag: o.flag,
      referenceRange: o.referenceRange
        ? {
            unit: o.referenceRange.unit,
            ...(o.referenceRange.low !== undefined ? { low: o.referenceRange.low } : {}),
            ...(o.referenceRange.high !== undefined ? { high: o.referenceRange.high } : {}),
          }
        : null,
      from: `${path} line ${o.original.line}`,
      original: { value: o.original.value, unit: o.original.unit },
    };
    if (o.comparator) obs.comparator = o.comparator;
    if (o.method) obs.method = o.method;
    return { obs, path: obs.from };
  });
}

// ---------------------------------------------------------------------------------------------
// 4. selection

function sameResult(a: ProfileObservation, b: ProfileObservation, tol: number): boolean {
  if ((a.comparator ?? '') !== (b.comparator ?? '')) return false;
  const scale = Math.max(Math.abs(a.value), Math.abs(b.value));
  return Math.abs(a.value - b.value) <= tol * scale;
}

function select(cands: Candidate[], tol: number, issues: Issue[]): ProfileObservation[] {
  const byAnalyte = new Map<string, Candidate[]>();
  for (const c of cands) byAnalyte.set(c.obs.analyte, [...(byAnalyte.get(c.obs.analyte) ?? []), c]);
  const out: ProfileObservation[] = [];
  for (const [analyte, list] of byAnalyte) {
    // Same date (or both undated): they must agree.
    const byDate = new Map<string, Candidate[]>();
    for (const c of list) byDate.set(c.obs.date ?? '', [...(byDate.get(c.obs.date ?? '') ?? []), c]);
    let contradictory = false;
    for (const [date, group] of byDate) {
      const first = group[0]!;
      const other = group.find((g) => !sameResult(first.obs, g.obs, tol));
      if (other) {
        contradictory = true;
        issues.push(
          issue(
            'value-contradictory',
            `${analyte}: ${first.path} (${first.obs.value} ${first.obs.unit}) and ${other.path} (${other.obs.value} ${other.obs.unit}) ` +
              (date
                ? `are both dated ${date}`
                : 'are both undated; give each a date so the latest can be used'),
            { path: other.path, details: { analyte, paths: [first.path, other.path] } },
          ),
        );
      }
    }
    if (contradictory) continue;
    const dated = list
      .filter((c) => c.obs.date !== undefined)
      .sort((x, y) => (x.obs.date! < y.obs.date! ? 1 : -1));
    const undated = list.filter((c) => c.obs.date === undefined);
    let chosen: Candidate;
    if (dated.length) {
      chosen = dated[0]!;
      for (const u of undated) {
        issues.push(
          issue(
            'value-unusual',
            `${u.path}: undated ${analyte} not used because dated values exist (latest ${chosen.obs.date})`,
            { path: u.path },
          ),
        );
      }
    } else {
      // Equal undated values (e.g. one result printed in two units): keep the one with a flag.
      chosen = undated.find((c) => c.obs.flag !== null) ?? undated[0]!;
    }
    const sameDay = (dated.length ? dated.filter((d) => d.obs.date === chosen.obs.date) : undated).find(
      (c) => c.obs.flag !== null,
    );
    out.push(
      sameDay && chosen.obs.flag === null
        ? { ...chosen.obs, flag: sameDay.obs.flag, referenceRange: sameDay.obs.referenceRange }
        : chosen.obs,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** The partner's intake values (arrays are skipped when flattened), plus the derived BMI. */
function partnerFields(p: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const h = p.heightCm;
  const w = p.weightKg;
  return typeof h === 'number' && typeof w === 'number' ? { ...p, bmi: bmiOf(h, w) } : { ...p };
}

/**
 * Validate and normalize an intake. `error` lists every problem found (each naming its field);
 * `ok` carries the classifiers' input, the observations used and the warnings.
 * Async because lab reports may be PDFs read by `normalizeLabReport`.
 */
export async function validateIntake(
  input: unknown,
  plausibility: PlausibilityCriteria,
): Promise<Result<ValidatedIntake>> {
  const typed = typeIssues(input);
  if (Array.isArray(typed)) return failed(typed);
  const intake = typed;
  const issues: Issue[] = plausibilityIssues(intake, plausibility);
  const tol = plausibility.labs.contradictionRelativeTolerance;
  const observations: ValidatedIntake['observations'] = { female: [], male: [] };
  for (const partner of ['female', 'male'] as const satisfies readonly Partner[]) {
    const p = intake[partner];
    if (!p) continue;
    const cands: Candidate[] = [];
    const structured: Array<[string, IntakeLab[] | undefined]> = [[`${partner}.labs`, p.labs]];
    if ('semen' in p) structured.push([`${partner}.semen`, p.semen]);
    const needsFlags = structured.some(([, list]) => list?.some((l) => l.referenceRange !== undefined));
    const computeFlag = needsFlags ? (await loadNormalizer()).computeFlag : undefined;
    for (const [base, list] of structured) {
      list?.forEach((lab, i) => {
        const c = fromIntakeLab(lab, `${base}[${i}]`, plausibility, issues, computeFlag);
        if (c) cands.push(c);
      });
    }
    for (const [i, text] of (p.labReports ?? []).entries()) {
      const report = await (await loadNormalizer()).normalizeLabReport(text, { sex: partner });
      cands.push(...fromReport(report, `${partner}.labReports[${i}]`, issues));
    }
    observations[partner] = select(cands, tol, issues);
  }
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) return failed(errors);
  const build = (partner: Partner) => {
    const p = intake[partner];
    if (!p) return emptyPartner();
    return partnerData({
      fields: partnerFields(p as Record<string, unknown>),
      observations: observations[partner],
      ...(partner === 'female' && intake.female?.treatments ? { treatments: intake.female.treatments } : {}),
    });
  };
  return ok(
    { intake, input: { female: build('female'), male: build('male') }, observations, warnings: issues },
    issues,
  );
}
