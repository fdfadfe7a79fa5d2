/**
 * @module pipeline/profile/summary
 * The per-partner summary carried in the profile (`partners`): intake values under the names the
 * facts use (`lifestyle.smoking` → `smoking`), the derived BMI, and treatment totals. A total is
 * given only when every entry it sums says enough (an IUI entry without `cycles` makes the IUI
 * cycle count unknown, not smaller).
 */
import type { Treatment } from '../../domain/intake.js';
import type { FieldValue, PartnerData } from './types.js';

function sum(list: readonly Treatment[], pick: (t: Treatment) => number | undefined): number | undefined {
  let total = 0;
  for (const t of list) {
    const n = pick(t);
    if (n === undefined) return undefined;
    total += n;
  }
  return total;
}

/** Flat partner summary for display and facts. */
export function partnerSummary(p: PartnerData): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of p.fields) {
    if (k === 'bmi' && typeof v === 'number') out.bmi = Math.floor(v * 100) / 100;
    else out[k.startsWith('lifestyle.') ? k.slice('lifestyle.'.length) : k] = v;
  }
  const t = p.treatments;
  if (t !== undefined) {
    const iui = t.filter((x) => x.type === 'iui');
    const ivf = t.filter((x) => x.type === 'ivf' || x.type === 'icsi');
    const iuiCycles = sum(iui, (x) => x.cycles);
    if (iuiCycles !== undefined) out['treatments.iui.cycles'] = iuiCycles;
    const stim = sum(iui, (x) =>
      x.stimulated === undefined || x.cycles === undefined ? undefined : x.stimulated ? x.cycles : 0,
    );
    if (stim !== undefined) out['treatments.iui.stimulatedCycles'] = stim;
    const ivfCycles = sum(ivf, (x) => x.cycles);
    if (ivfCycles !== undefined) out['treatments.ivf.cycles'] = ivfCycles;
    const oocytes = ivf.flatMap((x) => (x.oocytesRetrieved === undefined ? [] : [x.oocytesRetrieved]));
    if (oocytes.length) out['treatments.ivf.minOocytesRetrieved'] = Math.min(...oocytes);
    const any = t.some((x) => x.cycles === undefined || x.cycles > 0);
    out['treatments.any'] = any;
  }
  return out;
}
