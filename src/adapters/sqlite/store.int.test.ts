// The store contract against real SQLite files (one per test, WAL mode), plus what only SQLite
// has: file handling, pragmas, and a second writer holding the lock.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import { expectStoreError, runStoreContract, type RawDb } from '../store.contract.js';
import { openSqliteStore } from './sqlite-store.js';

const root = mkdtempSync(join(tmpdir(), 'fertility-sqlite-'));
let counter = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

function rawDb(path: string): { raw: RawDb; close: () => void } {
  const db = new Database(path, { timeout: 5000 });
  const raw: RawDb = {
    all: (sql, params = []) =>
      Promise.resolve(db.prepare(sql).all(...params) as Array<Record<string, unknown>>),
    run: async (sql, params = []) => {
      db.prepare(sql).run(...params);
    },
    dropAuditGuards: async () => {
      db.exec(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
               DROP TRIGGER audit_heads_no_delete; DROP TRIGGER audit_heads_forward_only;`);
    },
    dump: async () => {
      // Everything that reached the disk: the main file and the write-ahead log.
      const parts = [path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p).toString('latin1'));
      return parts.join('\n');
    },
  };
  return { raw, close: () => db.close() };
}

runStoreContract({
  name: 'sqlite',
  async fresh() {
    const path = join(root, `store-${counter++}.db`);
    const store = openSqliteStore(path, { pollMs: 100 });
    const { raw, close } = rawDb(path);
    return {
      store,
      raw,
      url: `sqlite:${path}`,
      openAnother: async (options) => openSqliteStore(path, { pollMs: 100, ...options }),
      dispose: async () => {
        await store.close();
        close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      },
    };
  },
});

describe('sqlite store specifics', () => {
  it('runs in WAL mode with full synchronous commits and foreign keys on', async () => {
    const path = join(root, `pragmas-${counter++}.db`);
    const store = openSqliteStore(path);
    const db = new Database(path);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      await store.createTenant('clinic-a');
      expect(existsSync(`${path}-wal`)).toBe(true);
    } finally {
      db.close();
      await store.close();
    }
  });

  it('creates missing directories, and works in memory through openStore', async () => {
    const path = join(root, `deep-${counter++}`, 'a', 'b', 'fertility.db');
    const s1 = await openStore(`sqlite:${path}`);
    await s1.createTenant('x');
    await s1.close();
    expect(existsSync(path)).toBe(true);
    const mem = await openStore('sqlite::memory:');
    expect(mem.location).toBe('sqlite::memory:');
    await mem.createTenant('y');
    expect(await mem.listTenants()).toHaveLength(1);
    await mem.close();
  });

  it('reports a file that is not a database, or cannot be created, as store-unavailable', async () => {
    const junk = join(root, `junk-${counter++}.db`);
    writeFileSync(junk, 'this is not a database, just text that is long enough to be a header'.repeat(10));
    const e = await expectStoreError(openStore(junk), 'store-unavailable');
    expect(e.message).toContain(junk);
    expect(readFileSync(junk, 'utf8')).toContain('this is not a database'); // left untouched
    // A directory that cannot be created: its parent is a file.
    await expectStoreError(openStore(join(junk, 'sub', 'x.db')), 'store-unavailable');
  });

  it('a writer blocked by another connection fails as retryable store-unavailable, then recovers', async () => {
    const path = join(root, `busy-${counter++}.db`);
    const store = openSqliteStore(path, { busyTimeoutMs: 100 });
    const t = await store.createTenant('clinic-a');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const e = await expectStoreError(
        store.appendAudit(t.id, { kind: 'answer', payload: { n: 1 } }),
        'store-unavailable',
      );
      expect(e.retryable).toBe(true);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const r = await store.appendAudit(t.id, { kind: 'answer', payload: { n: 2 } });
    expect(r.seq).toBe(2);
    expect((await store.verifyAudit()).ok).toBe(true);
    await store.close();
  });
});
