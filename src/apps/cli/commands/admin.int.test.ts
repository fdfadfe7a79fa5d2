// `fertility tenant|key|audit` against real SQLite files (and PostgreSQL when reachable):
// in-process through register() for most cases, and once through the built CLI for the exit-code
// contract.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { describeWithPostgres, TEST_PG_URL, withSchema } from '../../../adapters/postgres/testing.js';
import { PROJECT_ROOT } from '../../../paths.js';
import { reportFailure } from '../io.js';
import { register } from './admin.js';

const root = mkdtempSync(join(tmpdir(), 'fertility-admin-'));
let counter = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));
const freshDb = () => `sqlite:${join(root, `admin-${counter++}.db`)}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the commands as main.ts does: commander with exitOverride, failures through reportFailure. */
async function cli(args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out.push(String(c));
    return true;
  });
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    err.push(String(c));
    return true;
  });
  let code = 0;
  try {
    const program = new Command('fertility').exitOverride();
    program.configureOutput({
      writeErr: (s) => process.stderr.write(s),
      writeOut: (s) => process.stdout.write(s),
    });
    register(program);
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    const ce = e as { code?: string };
    code = typeof ce.code === 'string' && ce.code.startsWith('commander.') ? 2 : reportFailure(e);
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function expectOneLineError(r: Run, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('fertility tenant / key', () => {
  it('creates tenants and keys, prints the key once, lists keys without it, revokes', async () => {
    const db = freshDb();
    const created = await cli(['tenant', 'create', 'clinic-a', '--db', db, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { tenant } = JSON.parse(created.stdout) as { tenant: { id: string; name: string } };
    expect(tenant.name).toBe('clinic-a');

    const human = await cli(['tenant', 'create', 'clinic-b', '--db', db]);
    expect(human.stdout).toMatch(/^created tenant clinic-b \([0-9a-f-]{36}\)\n$/);

    const k = await cli(['key', 'create', 'clinic-a', '--label', 'front desk', '--db', db, '--json']);
    expect(k.code, k.stderr).toBe(0);
    const key = JSON.parse(k.stdout) as { key: string; id: string; tenantId: string; label: string };
    expect(key).toMatchObject({ tenantId: tenant.id, label: 'front desk' });
    expect(key.key).toMatch(/^fek_[0-9a-f]{16}_/);

    const plain = await cli(['key', 'create', tenant.id, '--db', db]);
    expect(plain.stdout).toMatch(/^fek_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    expect(plain.stderr).toMatch(/cannot be shown again/);

    const list = await cli(['key', 'list', 'clinic-a', '--db', db, '--json']);
    const keys = (JSON.parse(list.stdout) as { keys: Array<{ id: string }> }).keys;
    expect(keys.map((x) => x.id)).toContain(key.id);
    expect(keys).toHaveLength(2);
    expect(list.stdout).not.toContain(key.key.slice(21));
    expect((await cli(['key', 'list', 'clinic-b', '--db', db, '--json'])).stdout).toContain('"keys": []');

    const revoked = await cli(['key', 'revoke', key.id, '--db', db, '--json']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(
      (JSON.parse(revoked.stdout) as { key: { revokedAt: string | null } }).key.revokedAt,
    ).not.toBeNull();
    const listHuman = await cli(['key', 'list', '--db', db]);
    expect(listHuman.stdout).toMatch(new RegExp(`${key.id}  tenant ${tenant.id}  revoked `));
  });

  it('bad input exits non-zero with one line on stderr and nothing on stdout', async () => {
    const db = freshDb();
    await cli(['tenant', 'create', 'clinic-a', '--db', db]);
    expectOneLineError(await cli(['tenant', 'create', 'clinic-a', '--db', db, '--json']), /already exists/);
    expectOneLineError(
      await cli(['tenant', 'create', '', '--db', db]),
      /name: a tenant name cannot be empty/,
    );
    expectOneLineError(
      await cli(['key', 'create', 'nobody', '--db', db]),
      /no tenant named or with id "nobody"/,
    );
    expectOneLineError(await cli(['key', 'revoke', 'xyz', '--db', db]), /keyId: not a key id/);
    expectOneLineError(
      await cli(['key', 'revoke', '0123456789abcdef', '--db', db]),
      /no API key 0123456789abcdef/,
    );
    expectOneLineError(await cli(['key', 'list', 'nobody', '--db', db]), /no tenant named/);
    expectOneLineError(
      await cli(['tenant', 'list', '--db', 'mysql://h/db']),
      /unsupported database URL scheme/,
    );
    expect((await cli(['key', 'create', '--db', db])).code).toBe(2); // usage: missing argument
  });

  it('uses $FERTILITY_DB when --db is not given', async () => {
    const db = freshDb();
    vi.stubEnv('FERTILITY_DB', db);
    try {
      await cli(['tenant', 'create', 'from-env']);
    } finally {
      vi.unstubAllEnvs();
    }
    const list = await cli(['tenant', 'list', '--db', db, '--json']);
    expect(
      (JSON.parse(list.stdout) as { tenants: Array<{ name: string }> }).tenants.map((t) => t.name),
    ).toEqual(['from-env']);
  });
});

describe('fertility audit verify', () => {
  it('reports an intact log, then names the first broken record and exits 1', async () => {
    const db = freshDb();
    const path = db.slice('sqlite:'.length);
    await cli(['tenant', 'create', 'clinic-a', '--db', db]);
    await cli(['key', 'create', 'clinic-a', '--db', db]);
    await cli(['tenant', 'create', 'clinic-b', '--db', db]);
    const ok = await cli(['audit', 'verify', '--db', db]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit log intact: 2 chains, 3 records/);
    expect(ok.stdout).toMatch(/clinic-a {2}seq 2 {2}head sha256:[0-9a-f]{64}/);

    // Tamper as someone with write access to the file would.
    const raw = new Database(path);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare(`UPDATE audit_log SET payload = '{"keyId":"forged","label":null}' WHERE seq = 2`).run();
    raw.close();

    const broken = await cli(['audit', 'verify', '--db', db]);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(
      /audit chain broken: tenant clinic-a at seq 2: record 2 does not match its hash/,
    );

    const json = await cli(['audit', 'verify', '--db', db, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; broken: Array<{ seq: number; reason: string }> };
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject([{ seq: 2, reason: 'hash-mismatch' }]);

    const onlyB = await cli(['audit', 'verify', '--tenant', 'clinic-b', '--db', db, '--json']);
    expect(onlyB.code, onlyB.stderr).toBe(0);
    expect(JSON.parse(onlyB.stdout)).toMatchObject({ ok: true, chains: 1 });
  });
});

// The same commands on PostgreSQL, when a server is reachable (the store contract covers
// PostgreSQL in depth; this checks that --db postgres://… reaches it).
await describeWithPostgres('fertility admin on PostgreSQL', () => {
  it('creates a tenant and a key and verifies the log', async () => {
    const schema = `test_${randomBytes(4).toString('hex')}_admin`;
    const db = withSchema(TEST_PG_URL, schema);
    try {
      expect((await cli(['tenant', 'create', 'clinic-a', '--db', db])).code).toBe(0);
      expect((await cli(['key', 'create', 'clinic-a', '--db', db])).code).toBe(0);
      const v = await cli(['audit', 'verify', '--db', db, '--json']);
      expect(v.code, v.stderr).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, chains: 1, records: 2 });
    } finally {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });
});

describe('fertility audit verify (built CLI)', () => {
  const bin = join(PROJECT_ROOT, 'bin', 'fertility');
  const run = promisify(execFile);

  it('exits 1 with one line on stderr when the chain is broken', async () => {
    if (!existsSync(join(PROJECT_ROOT, 'dist', 'src', 'apps', 'cli', 'commands', 'admin.js'))) {
      throw new Error('run `npm run build` first (npm test does)');
    }
    const db = freshDb();
    await run(bin, ['tenant', 'create', 'clinic-a', '--db', db]);
    const raw = new Database(db.slice('sqlite:'.length));
    raw.exec('DROP TRIGGER audit_log_no_delete');
    raw.prepare('DELETE FROM audit_log WHERE seq = 1').run();
    raw.close();
    const failed = await run(bin, ['audit', 'verify', '--db', db]).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed).not.toBeNull();
    expect(failed!.code).toBe(1);
    expect(failed!.stdout).toBe('');
    expect(failed!.stderr).toMatch(
      /^fertility: audit chain broken: tenant clinic-a at seq 1: record 1 is missing/,
    );
    expect(failed!.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
