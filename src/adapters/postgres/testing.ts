/**
 * @module adapters/postgres/testing
 * What the PostgreSQL integration tests share: which server they use, a loud skip when it is not
 * reachable, per-test schemas in the URL, and a TCP proxy a test can cut to make the server vanish
 * while the shared server keeps running for every other test.
 */
import net from 'node:net';
import pg from 'pg';
import { describe, it } from 'vitest';
import { redactUrl } from '../store-core.js';

/** FERTILITY_TEST_PG, else the local server our machines and CI run (trust auth, database `test`). */
export const TEST_PG_URL: string =
  process.env['FERTILITY_TEST_PG']?.trim() || 'postgres://postgres@127.0.0.1:5432/test';

/** `url` with `schema=<schema>` added to its query (how the store is told which schema to use). */
export const withSchema = (url: string, schema: string): string =>
  `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;

/** Why the server at `url` cannot be used (connect + SELECT 1 within 3 s), or null when it can. */
export async function postgresUnreachable(url: string = TEST_PG_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Defines the suite `name` with `define` when PostgreSQL is reachable; otherwise one skipped test
 * whose name says why, also written to stderr. Loud on purpose: a silent skip would pass a run that
 * tested nothing on PostgreSQL.
 */
export async function describeWithPostgres(name: string, define: () => void): Promise<void> {
  const unreachable = await postgresUnreachable(TEST_PG_URL);
  if (unreachable === null) {
    describe(name, define);
    return;
  }
  const reason = `SKIPPED: PostgreSQL not reachable at ${redactUrl(TEST_PG_URL)} (${unreachable}); set FERTILITY_TEST_PG`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  describe(name, () => {
    it.skip(reason, () => {});
  });
}

/** A TCP proxy in front of the test server that a test can cut, as if the server vanished. */
export class CuttableProxy {
  #server: net.Server | null = null;
  readonly #sockets = new Set<net.Socket>();
  port = 0;
  readonly #target: { host: string; port: number };

  constructor(url: string = TEST_PG_URL) {
    const u = new URL(url);
    this.#target = { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
  }

  /** The test URL routed through this proxy, for `schema`. */
  url(schema: string): string {
    const u = new URL(TEST_PG_URL);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    u.searchParams.set('schema', schema);
    return u.toString();
  }

  /** Listens (again, on the same port after a cut). */
  async start(): Promise<void> {
    const server = net.createServer((down) => {
      const up = net.connect(this.#target.port, this.#target.host);
      for (const s of [down, up]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {
          down.destroy();
          up.destroy();
        });
      }
      down.pipe(up);
      up.pipe(down);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  /** As if the server vanished: refuse new connections and cut the open ones. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
