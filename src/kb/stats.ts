/**
 * @module kb/stats
 * `fertility kb stats`: the contract shape (contracts §2)
 * `{ entries, published, withSource, bodies, version }` plus byStatus, byTopic, documents, chunks
 * and the validation outcome.
 */
import type { EntryStatus } from '../domain/knowledge.js';
import { sourceIsComplete, type Source } from '../domain/source.js';
import { buildSnapshot } from './bank.js';
import type { LoadedBank } from './load.js';
import type { ValidationReport } from './validate.js';

export interface KbStats {
  /** Entry files that parsed, any status, valid or not. */
  entries: number;
  /** Schema-valid published entries (what would be served). */
  published: number;
  /** Entries (any status) whose source has body, document, year, section and url or doi. */
  withSource: number;
  /** Published entries per `source.body`, sorted by count then name. */
  bodies: Record<string, number>;
  /** Content hash of the published entries and chunks (see `kb/bank`). */
  version: string;
  byStatus: Record<EntryStatus, number>;
  /** Entries per topic folder, any status. */
  byTopic: Record<string, number>;
  documents: number;
  chunks: number;
  /** False when `kb validate` reports errors: such a bank is refused by `reload`, and `version` is what it would have been. */
  valid: boolean;
  errors: number;
  warnings: number;
}

/** Stats of a loaded and validated bank. */
export function bankStats(bank: LoadedBank, report: ValidationReport): KbStats {
  const snap = buildSnapshot(report, bank.origin);
  const parsed = bank.entries.filter((e) => e.data !== undefined);
  const withSource = parsed.filter((e) => {
    const s = (e.data as { source?: unknown }).source;
    return typeof s === 'object' && s !== null && sourceIsComplete(s as Partial<Source>);
  }).length;
  const bodies = new Map<string, number>();
  for (const e of snap.entries) bodies.set(e.source.body, (bodies.get(e.source.body) ?? 0) + 1);
  const byTopic = new Map<string, number>();
  for (const e of parsed) byTopic.set(e.topic || '(root)', (byTopic.get(e.topic || '(root)') ?? 0) + 1);
  return {
    entries: parsed.length,
    published: snap.counts.published,
    withSource,
    bodies: sortedCounts(bodies),
    version: snap.version,
    byStatus: snap.counts.byStatus,
    byTopic: sortedCounts(byTopic),
    documents: snap.counts.documents,
    chunks: snap.counts.chunks,
    valid: report.ok,
    errors: report.errors,
    warnings: report.warnings,
  };
}

function sortedCounts(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

/** A readable table of the stats for people. */
export function formatStats(s: KbStats): string {
  const rows: Array<[string, string]> = [
    ['version', s.version],
    ['valid', s.valid ? 'yes' : `no (${s.errors} errors; run fertility kb validate)`],
    ['entries', String(s.entries)],
    ['published', String(s.published)],
    ['with complete source', String(s.withSource)],
    ['documents / chunks', `${s.documents} / ${s.chunks}`],
    ['warnings', String(s.warnings)],
  ];
  const table = (title: string, m: Record<string, number>): string[] => {
    const keys = Object.keys(m);
    if (!keys.length) return [];
    const w = Math.max(...keys.map((k) => k.length), title.length);
    return ['', title, ...keys.map((k) => `  ${k.padEnd(w)}  ${String(m[k]).padStart(5)}`)];
  };
  const w = Math.max(...rows.map((r) => r[0].length));
  return [
    ...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`),
    ...table('by status', s.byStatus),
    ...table('published by body', s.bodies),
    ...table('by topic', s.byTopic),
  ].join('\n');
}
