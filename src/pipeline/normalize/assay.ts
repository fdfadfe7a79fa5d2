/**
 * @module pipeline/normalize/assay
 * Assay awareness. A method label printed on a report ("ECLIA", "Elecsys", "Access", "Gen II",
 * "CLIA"…) maps to a technique and, where the label identifies one, a platform (data:
 * `methods` and `platforms` in clinical/terminology/analytes.yaml). Values of a platform-sensitive
 * analyte (a property in the data file — AMH above all) measured on different platforms are not
 * directly comparable (biomarkers.md §4): `checkAssayMix` says so with an `assay-mixed` warning
 * and never converts between platforms.
 */
import type { Observation } from '../../domain/observation.js';
import { issue, type Issue } from '../../domain/issues.js';
import { getTerminology, type AnalyteTerminology } from '../../terminology/analytes.js';
import { foldWords, textTables } from './matcher-text.js';

export interface AssayInfo {
  /** Method id from the terminology (`eclia`, `access`, `clia`…). */
  method: string;
  /** Printed label of the method (`ECLIA`). */
  label: string;
  technique: string;
  /** Platform id, or null when the label names only a technique (CLIA, ELISA…). */
  platform: string | null;
}

const byText = new WeakMap<AnalyteTerminology, Map<string, AssayInfo | null>>();

/**
 * The assay a method text denotes: a method id, its label, or any printed form ("(ECLIA)",
 * "Roche Elecsys", "Beckman Coulter Access 2"). Null when no method is recognised.
 */
export function assayOf(
  methodText: string | null | undefined,
  term: AnalyteTerminology = getTerminology(),
): AssayInfo | null {
  if (!methodText || typeof methodText !== 'string') return null;
  let cache = byText.get(term);
  if (!cache) {
    cache = new Map();
    byText.set(term, cache);
  }
  const key = methodText.slice(0, 120);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let found: AssayInfo | null = null;
  const direct = term.methods().find((m) => m.id === key);
  if (direct) {
    found = {
      method: direct.id,
      label: direct.label,
      technique: direct.technique,
      platform: direct.platform,
    };
  } else {
    const words = foldWords(key);
    // Longest method phrase anywhere in the text (tables are sorted longest first).
    outer: for (const p of textTables(term).methodPhrases) {
      for (let i = 0; i + p.tokens.length <= words.length; i++) {
        let ok = true;
        for (let k = 0; k < p.tokens.length; k++) if (words[i + k] !== p.tokens[k]) ok = false;
        if (ok) {
          const m = term.methods().find((x) => x.id === p.id)!;
          found = { method: m.id, label: m.label, technique: m.technique, platform: m.platform };
          break outer;
        }
      }
    }
  }
  if (cache.size > 2000) cache.clear();
  cache.set(key, found);
  return found;
}

/** What two values must share to be comparable: the platform, or the technique when no platform is known. */
export function comparabilityKey(a: AssayInfo): string {
  return a.platform ?? `technique:${a.technique}`;
}

/**
 * `assay-mixed` warnings: for each platform-sensitive analyte (data property), the values whose
 * method is known come from more than one platform (or technique, where the label names no
 * platform). Values without a method are counted in the details but do not by themselves raise
 * the warning: "unknown" is not "different".
 */
export function checkAssayMix(
  observations: ReadonlyArray<Pick<Observation, 'analyte' | 'method'>>,
  term: AnalyteTerminology = getTerminology(),
): Issue[] {
  const groups = new Map<string, { keys: Map<string, string[]>; unknown: number }>();
  for (const o of observations) {
    const a = term.analyte(o.analyte);
    if (!a?.platformSensitive) continue;
    let g = groups.get(a.id);
    if (!g) {
      g = { keys: new Map(), unknown: 0 };
      groups.set(a.id, g);
    }
    const info = assayOf(o.method, term);
    if (!info) {
      g.unknown += 1;
      continue;
    }
    const key = comparabilityKey(info);
    g.keys.set(key, [...(g.keys.get(key) ?? []), info.label]);
  }
  const out: Issue[] = [];
  for (const [id, g] of groups) {
    if (g.keys.size < 2) continue;
    const a = term.analyte(id)!;
    const names = [...g.keys.keys()].map((k) => term.platform(k)?.name ?? k.replace('technique:', ''));
    out.push(
      issue(
        'assay-mixed',
        `${a.name}: values come from different assays (${names.join(', ')}) and are not directly comparable; ` +
          `interpret each against its own assay's range (${a.platformSensitive!.ref})`,
        {
          details: {
            analyte: id,
            platforms: Object.fromEntries([...g.keys].map(([k, labels]) => [k, labels.length])),
            withoutMethod: g.unknown,
          },
        },
      ),
    );
  }
  return out;
}
