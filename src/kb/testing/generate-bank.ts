/**
 * @module kb/testing/generate-bank
 * A synthetic knowledge bank of N valid entries for the load/validate benchmark and for tests of
 * scale. Entries are marked as synthetic (body "Synthetic Bench Body", example.org URLs, titles
 * starting "Synthetic") and are written to a directory the caller chooses — never under knowledge/.
 * They exercise what validation costs: nested applicability conditions over several fact types,
 * concept ids from the real terminology, supersession chains, drafts and withdrawn entries.
 */
import { seededRandom } from '../../random.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { getConcepts } from '../../terminology/concepts.js';

export interface SyntheticBankOptions {
  entries: number;
  seed?: number;
}

const TOPICS = [
  'seeking-help',
  'preconception',
  'ovarian-reserve',
  'unexplained',
  'ovulation',
  'tubal',
  'endometriosis',
  'male-factor',
  'ivf',
  'thyroid',
  'prolactin',
  'pregnancy-loss',
  'add-ons',
  'preservation',
  'urgent',
];

const CONDITIONS: unknown[] = [
  { fact: 'female.age', op: 'lt', value: 40, label: 'female age under 40' },
  { fact: 'female.age', op: 'between', value: [35, 42] },
  { fact: 'female.tryingMonths', op: 'gte', value: 12 },
  { fact: 'female.smoking', op: 'in', value: ['current', 'former'] },
  { fact: 'female.bmi', op: 'gte', value: 30 },
  { fact: 'female.lab.amh', op: 'lt', value: 1.1 },
  { fact: 'male.lab.sperm-concentration', op: 'lt', value: 16 },
  { fact: 'female.history.pcosDiagnosed', op: 'eq', value: true },
  { fact: 'female.tubalPatency', op: 'ne', value: 'bilateral' },
  { fact: 'female.treatments.ivf.cycles', op: 'gte', value: 1 },
  { fact: 'flag.smoking-male', op: 'exists' },
  { fact: 'class.poseidon', op: 'in', value: ['group-3', 'group-4'] },
];

const rng = seededRandom;

/** Generate the entries (in memory). About 90% published; 1 in 20 published entries supersedes an older one. */
export function generateBankEntries(
  opts: SyntheticBankOptions,
): Array<{ topic: string; entry: Record<string, unknown> }> {
  const rand = rng(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const concepts = getConcepts()
    .all()
    .map((c) => c.id);
  const out: Array<{ topic: string; entry: Record<string, unknown> }> = [];
  const words =
    'couples clinic assessment treatment option evidence outcome cycle months partner test result'.split(' ');
  const sentence = (n: number) => Array.from({ length: n }, () => pick(words)).join(' ');
  for (let i = 0; out.length < opts.entries; i++) {
    const id = `synthetic-${String(i).padStart(6, '0')}`;
    const topic = pick(TOPICS);
    const conds = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(CONDITIONS));
    const r = rand();
    const status = r < 0.9 ? 'published' : r < 0.95 ? 'draft' : r < 0.98 ? 'reviewed' : 'withdrawn';
    const entry: Record<string, unknown> = {
      id,
      title: `Synthetic entry ${i} for benchmarks`,
      kind: pick(['recommendation', 'fact', 'definition', 'warning-sign']),
      statement: `Synthetic statement for ${sentence(12)}.`,
      clinicianStatement: `Synthetic clinician statement: ${sentence(24)}.`,
      applicability:
        rand() < 0.2
          ? conds[0]
          : rand() < 0.5
            ? { all: conds }
            : { any: [{ not: conds[0] }, ...conds.slice(1)] },
      concepts: [pick(concepts), pick(concepts)].filter((c, k, a) => a.indexOf(c) === k),
      direction: pick(['do', 'do-not', 'consider', 'neutral']),
      source: {
        body: 'Synthetic Bench Body',
        document: `Synthetic document ${i % 97}`,
        year: 2000 + (i % 25),
        section: `${1 + (i % 9)}.${1 + (i % 7)}`,
        url: `https://example.org/synthetic/${i % 97}`,
        strength: pick(['strong', 'conditional']),
      },
      status,
      reviewBy: '2035-01-01',
      reviewedBy: 'synthetic benchmark data',
      verifiedFrom: [{ ref: 'https://example.org/synthetic', tag: 'V' }],
    };
    out.push({ topic, entry });
    // Supersession chain: the new entry is published, the old one superseded.
    if (status === 'published' && i % 20 === 0 && out.length < opts.entries) {
      const newId = `${id}-update`;
      entry.status = 'superseded';
      out.push({
        topic,
        entry: {
          ...entry,
          id: newId,
          status: 'published',
          supersedes: [id],
          title: `${String(entry.title)} (update)`,
        },
      });
    }
  }
  return out;
}

/** Write a synthetic bank as `<dir>/<topic>/<id>.yaml`; returns the number of files written. */
export function writeSyntheticBank(dir: string, opts: SyntheticBankOptions): number {
  const entries = generateBankEntries(opts);
  for (const t of new Set(entries.map((e) => e.topic))) mkdirSync(join(dir, t), { recursive: true });
  for (const { topic, entry } of entries)
    writeFileSync(join(dir, topic, `${String(entry.id)}.yaml`), stringify(entry));
  return entries.length;
}
