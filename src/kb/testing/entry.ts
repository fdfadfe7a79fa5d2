/**
 * @module kb/testing/entry
 * Synthetic knowledge entries for tests and benchmarks. They are clearly marked as fixtures
 * (body "Fixture Body", example.org URL) and are never written under knowledge/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** A valid, published synthetic entry; `over` replaces top-level fields. */
export function syntheticEntry(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Fixture: ${id}`,
    kind: 'recommendation',
    statement: `Synthetic statement for couples in ${id}, used only in tests.`,
    clinicianStatement: `Synthetic statement for clinicians in ${id}, used only in tests.`,
    concepts: ['ivf'],
    source: {
      body: 'Fixture Body',
      document: 'Synthetic fixture document',
      year: 2020,
      section: '1.2',
      url: 'https://example.org/fixture',
    },
    status: 'published',
    reviewBy: '2030-01-01',
    reviewedBy: 'engineering; clinical review pending',
    verifiedFrom: [{ ref: 'shared/domain/guidelines.md §A', tag: 'V' }],
    ...over,
  };
}

/** Write `entry` as `<dir>/<topic>/<id>.yaml`. */
export function writeEntryFile(dir: string, topic: string, entry: Record<string, unknown>): void {
  mkdirSync(join(dir, topic), { recursive: true });
  writeFileSync(join(dir, topic, `${String(entry.id)}.yaml`), stringify(entry));
}
