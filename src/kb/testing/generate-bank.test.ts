import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeBank } from '../bank.js';
import { loadBank } from '../load.js';
import { validateBank } from '../validate.js';
import { generateBankEntries, writeSyntheticBank } from './generate-bank.js';

const dir = mkdtempSync(join(tmpdir(), 'kb-synthetic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synthetic bank generator', () => {
  it('writes a bank that passes validation, with supersession chains and every status', async () => {
    const n = writeSyntheticBank(dir, { entries: 400, seed: 3 });
    expect(n).toBe(400);
    const report = validateBank(loadBank(dir, { cache: false }), {
      today: '2026-01-01',
      sharedDomainDir: null,
    });
    expect(report.issues).toEqual([]);
    const statuses = new Set(report.entries.map((e) => e.entry.status));
    expect([...statuses].sort()).toEqual(['draft', 'published', 'reviewed', 'superseded', 'withdrawn']);
    const bank = await KnowledgeBank.fromDirectory(dir, {
      load: { cache: false },
      validate: { today: '2026-01-01', sharedDomainDir: null },
    });
    expect(bank.current().counts.published).toBe(
      report.entries.filter((e) => e.entry.status === 'published').length,
    );
  });

  it('is deterministic for a seed', () => {
    expect(generateBankEntries({ entries: 50, seed: 9 })).toEqual(
      generateBankEntries({ entries: 50, seed: 9 }),
    );
  });
});
