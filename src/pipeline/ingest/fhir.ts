/**
 * @module pipeline/ingest/fhir
 * FHIR R4 JSON: a Bundle, an Observation, or a DiagnosticReport (with contained Observations or
 * results referenced from the Bundle). Each Observation with a numeric value (valueQuantity,
 * valueInteger, or a valueString such as "<0.1") becomes a candidate carrying its LOINC code,
 * UCUM unit, comparator, reference range, interpretation and method. Components (panels)
 * are read the same way. Resources about people (Patient, RelatedPerson, Practitioner,
 * PractitionerRole, Person) are dropped unread and counted; `subject`, `performer` and notes
 * are never read.
 */
import { issue, type Issue } from '../../domain/issues.js';
import { countInto, type DeidCounts } from '../normalize/deidentify.js';
import { failedRead, type FieldsCandidate, type ReadResult } from './types.js';

const LOINC_SYSTEM = 'http://loinc.org';
const UCUM_SYSTEM = 'http://unitsofmeasure.org';
const PERSON_RESOURCES = new Set(['Patient', 'RelatedPerson', 'Practitioner', 'PractitionerRole', 'Person']);
/** Statuses whose values must not be used. */
const UNUSABLE_STATUS = new Set(['entered-in-error', 'cancelled']);

type Json = Record<string, unknown>;

/** A child path: "entry[2].resource" + "code", or just "code" at the top level. */
function at(path: string, child: string): string {
  return path === '' ? child : `${path}.${child}`;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

interface Ctx {
  candidates: FieldsCandidate[];
  issues: Issue[];
  deid: DeidCounts;
  seen: Set<unknown>;
  /** Bundle resources by "Type/id" and by fullUrl, to resolve DiagnosticReport.result. */
  index: Map<string, Json>;
  /** 1-based Bundle entry number of each entry resource (the observation's `line`). */
  entryLine: Map<Json, number>;
}

/** Parse JSON text and read it as FHIR; invalid JSON is `fhir-invalid`. */
export function readFhirText(text: string): ReadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return failedRead('fhir', issue('fhir-invalid', `not valid JSON: ${(e as Error).message}`));
  }
  return readFhir(json);
}

/** Read a parsed FHIR R4 resource (Bundle, Observation, DiagnosticReport). */
export function readFhir(json: unknown): ReadResult {
  if (!isObj(json)) {
    return failedRead(
      'fhir',
      issue('fhir-invalid', 'expected a FHIR resource (a JSON object with "resourceType")'),
    );
  }
  const type = str(json.resourceType);
  if (type === undefined) {
    return failedRead(
      'fhir',
      issue('fhir-invalid', 'the JSON object has no "resourceType"', { path: 'resourceType' }),
    );
  }
  const ctx: Ctx = {
    candidates: [],
    issues: [],
    deid: {},
    seen: new Set(),
    index: new Map(),
    entryLine: new Map(),
  };
  let lines = 1;
  if (type === 'Bundle') {
    if (json.entry !== undefined && !Array.isArray(json.entry)) {
      return failedRead('fhir', issue('fhir-invalid', 'Bundle.entry must be an array', { path: 'entry' }));
    }
    const entries = arr(json.entry);
    lines = entries.length;
    entries.forEach((e, i) => {
      if (!isObj(e) || !isObj(e.resource)) return;
      const r = e.resource;
      ctx.entryLine.set(r, i + 1);
      const rt = str(r.resourceType);
      const id = str(r.id);
      if (rt && id) ctx.index.set(`${rt}/${id}`, r);
      const fullUrl = str(e.fullUrl);
      if (fullUrl) ctx.index.set(fullUrl, r);
    });
    entries.forEach((e, i) => {
      const path = `entry[${i}]`;
      if (!isObj(e) || !isObj(e.resource)) {
        ctx.issues.push(issue('fhir-invalid', `${path} has no resource`, { severity: 'warning', path }));
        return;
      }
      readResource(e.resource, `${path}.resource`, ctx, i + 1);
    });
  } else if (type === 'Observation' || type === 'DiagnosticReport') {
    // A standalone report numbers its contained resources; an Observation is one entry.
    lines = Math.max(1, arr(json.contained).length);
    readResource(json, '', ctx, 1);
  } else if (PERSON_RESOURCES.has(type)) {
    countInto(ctx.deid, 'resource');
    return {
      ...failedRead(
        'fhir',
        issue(
          'fhir-invalid',
          `a ${type} resource holds no lab results; send a Bundle, Observation or DiagnosticReport`,
        ),
      ),
      deid: ctx.deid,
    };
  } else {
    return failedRead(
      'fhir',
      issue('fhir-invalid', `resourceType "${type}" is not a Bundle, Observation or DiagnosticReport`, {
        path: 'resourceType',
      }),
    );
  }
  return { format: 'fhir', candidates: ctx.candidates, issues: ctx.issues, deid: ctx.deid, lines };
}

function readResource(r: Json, path: string, ctx: Ctx, line: number): void {
  const type = str(r.resourceType);
  if (type !== undefined && PERSON_RESOURCES.has(type)) {
    countInto(ctx.deid, 'resource');
    return;
  }
  // Contained person resources (a DiagnosticReport carrying its Patient) are dropped too.
  for (const c of arr(r.contained)) {
    if (isObj(c) && PERSON_RESOURCES.has(str(c.resourceType) ?? '')) countInto(ctx.deid, 'resource');
  }
  if (type === 'Observation') {
    readObservation(r, path, ctx, line);
    return;
  }
  if (type === 'DiagnosticReport') {
    const contained = new Map<string, Json>();
    arr(r.contained).forEach((c) => {
      if (isObj(c) && str(c.id)) contained.set(`#${String(c.id)}`, c);
    });
    const results = arr(r.result);
    results.forEach((ref, i) => {
      const p = at(path, `result[${i}]`);
      const target = isObj(ref) ? str(ref.reference) : undefined;
      if (target === undefined) {
        ctx.issues.push(issue('fhir-invalid', `${p} has no reference`, { severity: 'warning', path: p }));
        return;
      }
      const obs = contained.get(target) ?? ctx.index.get(target);
      if (obs === undefined) {
        ctx.issues.push(
          issue('fhir-invalid', `${p} refers to "${target}", which is neither contained nor in the Bundle`, {
            severity: 'warning',
            path: p,
          }),
        );
        return;
      }
      const containedIdx = arr(r.contained).indexOf(obs);
      if (containedIdx >= 0) {
        // A standalone report numbers its contained results; in a Bundle they share the entry's number.
        const l = path === '' ? containedIdx + 1 : line;
        readObservation(obs, at(path, `contained[${containedIdx}]`), ctx, l);
      } else {
        readObservation(obs, p, ctx, ctx.entryLine.get(obs) ?? line);
      }
    });
    // Contained Observations not listed in `result` are still results of the report.
    arr(r.contained).forEach((c, i) => {
      if (isObj(c) && str(c.resourceType) === 'Observation') {
        readObservation(c, at(path, `contained[${i}]`), ctx, path === '' ? i + 1 : line);
      }
    });
  }
  // Other resource types (Specimen, Organization, ServiceRequest…) carry no results.
}

function readObservation(o: Json, path: string, ctx: Ctx, line: number): void {
  if (ctx.seen.has(o)) return;
  ctx.seen.add(o);
  const status = str(o.status);
  if (status !== undefined && UNUSABLE_STATUS.has(status)) return;
  const base = observationFields(o, path, ctx);
  if (base !== null) {
    const hasValue =
      o.valueQuantity !== undefined || o.valueString !== undefined || o.valueInteger !== undefined;
    if (hasValue) pushCandidate(o, base, path, ctx, line);
  }
  arr(o.component).forEach((c, i) => {
    if (!isObj(c)) return;
    const p = at(path, `component[${i}]`);
    const f = observationFields(c, p, ctx);
    if (f !== null) pushCandidate(c, f, p, ctx, line);
  });
}

interface BaseFields {
  name: string;
  loinc?: string;
}

function observationFields(o: Json, path: string, ctx: Ctx): BaseFields | null {
  const code = o.code;
  const p = at(path, 'code');
  if (!isObj(code)) {
    ctx.issues.push(
      issue('fhir-invalid', `${p} is missing: an Observation needs a code`, { severity: 'warning', path: p }),
    );
    return null;
  }
  const codings = arr(code.coding).filter(isObj);
  const loincCoding = codings.find((c) => str(c.system) === LOINC_SYSTEM && str(c.code));
  const name =
    str(code.text) ?? str(loincCoding?.display) ?? str(codings[0]?.display) ?? str(loincCoding?.code);
  if (name === undefined) {
    ctx.issues.push(
      issue('fhir-invalid', `${p} has neither text, a display nor a LOINC code`, {
        severity: 'warning',
        path: p,
      }),
    );
    return null;
  }
  const out: BaseFields = { name };
  const loinc = str(loincCoding?.code);
  if (loinc !== undefined) out.loinc = loinc;
  return out;
}

function pushCandidate(o: Json, base: BaseFields, path: string, ctx: Ctx, line: number): void {
  const c: FieldsCandidate = { kind: 'fields', line, name: base.name, value: '', unit: '', text: '' };
  if (base.loinc !== undefined) c.loinc = base.loinc;
  const q = o.valueQuantity;
  if (isObj(q)) {
    const v = num(q.value);
    if (v === undefined) {
      ctx.issues.push(
        issue('fhir-invalid', `${at(path, 'valueQuantity.value')} is not a number`, {
          severity: 'warning',
          path: at(path, 'valueQuantity.value'),
        }),
      );
      return;
    }
    c.numeric = v;
    c.value = String(v);
    c.unit = quantityUnit(q);
    const cmp = str(q.comparator);
    if (cmp !== undefined) {
      if (!['<', '<=', '>', '>='].includes(cmp)) {
        ctx.issues.push(
          issue('fhir-invalid', `${at(path, 'valueQuantity.comparator')} "${cmp}" is not <, <=, > or >=`, {
            severity: 'warning',
            path: at(path, 'valueQuantity.comparator'),
          }),
        );
        return;
      }
      c.comparator = cmp;
      c.value = cmp + c.value;
    }
  } else if (num(o.valueInteger) !== undefined) {
    c.numeric = num(o.valueInteger)!;
    c.value = String(c.numeric);
  } else if (str(o.valueString) !== undefined) {
    c.value = str(o.valueString)!;
  } else {
    // A coded, boolean or absent value is qualitative: not a numeric observation.
    return;
  }
  const rr = arr(o.referenceRange).find(isObj);
  if (rr !== undefined) {
    const low = isObj(rr.low) ? num(rr.low.value) : undefined;
    const high = isObj(rr.high) ? num(rr.high.value) : undefined;
    const text = str(rr.text);
    if (low !== undefined || high !== undefined) {
      const unitQ = isObj(rr.low) ? rr.low : isObj(rr.high) ? rr.high : undefined;
      const rangeUnit = unitQ ? quantityUnit(unitQ) : '';
      c.rangeBounds = {
        text:
          text ??
          [low, high]
            .map((x) => (x === undefined ? '' : String(x)))
            .join(low !== undefined && high !== undefined ? ' - ' : ''),
        ...(low !== undefined ? { low } : {}),
        ...(high !== undefined ? { high } : {}),
        ...(rangeUnit !== '' ? { unit: rangeUnit } : {}),
      };
      if (low === undefined && text === undefined) c.rangeBounds.text = `<= ${high}`;
      if (high === undefined && text === undefined) c.rangeBounds.text = `>= ${low}`;
    } else if (text !== undefined) {
      c.range = text;
    }
  }
  const interp = arr(o.interpretation).find(isObj);
  if (interp !== undefined) {
    const coding = arr(interp.coding).find(isObj);
    const flag = str(coding?.code) ?? str(interp.text);
    if (flag !== undefined) c.flag = flag;
  }
  if (isObj(o.method)) {
    const m = str(o.method.text) ?? str(arr(o.method.coding).filter(isObj)[0]?.display);
    if (m !== undefined) c.method = m;
  }
  c.text = [c.name, c.value, c.unit].filter((s) => s !== '').join(' ');
  ctx.candidates.push(c);
}

/** The unit of a Quantity: its UCUM code when the system is UCUM, else the printed unit. */
function quantityUnit(q: Json): string {
  const code = str(q.code);
  if (code !== undefined && (str(q.system) === UCUM_SYSTEM || str(q.unit) === undefined)) return code;
  return str(q.unit) ?? code ?? '';
}
