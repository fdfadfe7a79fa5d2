/**
 * @module apps/cli/commands/admin
 * Administration of the store (issue 8): tenants, API keys and the audit log.
 *
 * - `fertility tenant create NAME` / `tenant list`
 * - `fertility key create TENANT [--label L]` prints the key once; only its hash is stored
 * - `fertility key revoke KEY_ID`, `fertility key list [TENANT]`
 * - `fertility audit verify [--tenant T]` exits 1 when a chain is broken, naming the first bad seq
 *
 * Every command takes `--db URL` (default: `$FERTILITY_DB`, else the embedded SQLite file) and
 * `--json`. These run against the database directly, so whoever can run them can read the
 * database anyway: there is no API key check here, by design.
 */
import type { Command } from 'commander';
import type { Store, Tenant } from '../../../ports/store.js';
import { CliError, EXIT, printJson } from '../io.js';
import { commandGroup } from '../registrar.js';

interface DbOptions {
  db?: string;
  json?: boolean;
}

/** Open the store named by `--db` / `$FERTILITY_DB`, run `work`, and always close it. */
async function withStore<T>(opts: DbOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../../../adapters/open-store.js');
  const store = await openStore(opts.db ?? process.env.FERTILITY_DB);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function requireTenant(store: Store, idOrName: string): Promise<Tenant> {
  const tenant = await store.getTenant(idOrName);
  if (!tenant) throw new CliError(`no tenant named or with id "${idOrName}" (see: fertility tenant list)`);
  return tenant;
}

const withDb = (cmd: Command): Command =>
  cmd
    .option(
      '--db <url>',
      'database: postgres://…, sqlite:PATH or a file path (default $FERTILITY_DB or .data/fertility.db)',
    )
    .option('--json', 'machine-readable output on stdout');

/** Register `tenant`, `key` and `audit`. */
export function register(program: Command): void {
  const tenant = commandGroup(program, 'tenant', 'clinics whose data is kept apart');

  withDb(tenant.command('create <name>').description('create a tenant (a clinic)')).action(
    async (name: string, opts: DbOptions) => {
      const t = await withStore(opts, (s) => s.createTenant(name));
      if (opts.json) printJson({ tenant: t });
      else process.stdout.write(`created tenant ${t.name} (${t.id})\n`);
    },
  );

  withDb(tenant.command('list').description('list tenants')).action(async (opts: DbOptions) => {
    const tenants = await withStore(opts, (s) => s.listTenants());
    if (opts.json) printJson({ tenants });
    else for (const t of tenants) process.stdout.write(`${t.id}  ${t.name}  created ${t.createdAt}\n`);
  });

  const key = commandGroup(program, 'key', 'API keys (only their SHA-256 is stored)');

  withDb(
    key
      .command('create <tenant>')
      .description('create an API key for a tenant (name or id); the key is printed once')
      .option('--label <text>', 'what the key is for, e.g. "front desk"'),
  ).action(async (tenantRef: string, opts: DbOptions & { label?: string }) => {
    const created = await withStore(opts, async (s) => {
      const t = await requireTenant(s, tenantRef);
      return s.createApiKey(t.id, { label: opts.label ?? null });
    });
    if (opts.json) {
      printJson({ key: created.key, ...created.info });
    } else {
      process.stdout.write(created.key + '\n');
      process.stderr.write(`key ${created.info.id} created; store it now: it cannot be shown again\n`);
    }
  });

  withDb(key.command('revoke <keyId>').description('revoke a key by its id (from key list)')).action(
    async (keyId: string, opts: DbOptions) => {
      const info = await withStore(opts, (s) => s.revokeApiKey(keyId));
      if (opts.json) printJson({ key: info });
      else process.stdout.write(`revoked key ${info.id} at ${info.revokedAt ?? ''}\n`);
    },
  );

  withDb(
    key.command('list [tenant]').description('list keys (never the secrets), of one tenant or all'),
  ).action(async (tenantRef: string | undefined, opts: DbOptions) => {
    const keys = await withStore(opts, async (s) =>
      s.listApiKeys(tenantRef === undefined ? undefined : (await requireTenant(s, tenantRef)).id),
    );
    if (opts.json) {
      printJson({ keys });
    } else {
      for (const k of keys) {
        const status = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
        process.stdout.write(
          `${k.id}  tenant ${k.tenantId}  ${status}  created ${k.createdAt}  ${k.label ?? ''}\n`,
        );
      }
    }
  });

  const audit = commandGroup(program, 'audit', 'the hash-chained audit log');

  withDb(
    audit
      .command('verify')
      .description('walk every audit chain; exit 1 naming the first broken record')
      .option('--tenant <tenant>', 'only this tenant (name or id)'),
  ).action(async (opts: DbOptions & { tenant?: string }) => {
    const { report, names } = await withStore(opts, async (s) => {
      const only = opts.tenant === undefined ? undefined : (await requireTenant(s, opts.tenant)).id;
      const names = new Map((await s.listTenants()).map((t) => [t.id, t.name]));
      return { report: await s.verifyAudit(only === undefined ? {} : { tenantId: only }), names };
    });
    if (opts.json) {
      printJson(report);
    } else if (report.ok) {
      // The heads are what to copy somewhere the database's writers cannot reach.
      for (const h of report.heads) {
        process.stdout.write(`${names.get(h.tenantId) ?? h.tenantId}  seq ${h.seq}  head ${h.hash}\n`);
      }
      process.stdout.write(`audit log intact: ${report.chains} chains, ${report.records} records\n`);
    }
    const first = report.broken[0];
    if (first) {
      const who = names.get(first.tenantId) ?? first.tenantId;
      const more = report.broken.length > 1 ? ` (and ${report.broken.length - 1} more broken chains)` : '';
      throw new CliError(
        `audit chain broken: tenant ${who} at seq ${first.seq}: ${first.message}${more}`,
        EXIT.input,
      );
    }
  });
}
