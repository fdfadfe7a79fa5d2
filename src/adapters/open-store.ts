/**
 * @module adapters/open-store
 * Pick and open the store from a database URL (`--db`):
 *
 * | URL | store |
 * | --- | --- |
 * | none | SQLite at `.data/fertility.db` under the project |
 * | `postgres://…`, `postgresql://…` (optional `?schema=name`) | PostgreSQL |
 * | `sqlite:PATH`, `sqlite:///abs/path`, `file:PATH`, `file:///abs/path`, a bare path | SQLite file |
 * | `sqlite::memory:`, `:memory:` | private in-memory SQLite (tests) |
 *
 * Relative paths are resolved against the working directory, as a user typing `--db` expects.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../paths.js';
import { StoreError, type Store } from '../ports/store.js';
import type { PostgresStoreOptions } from './postgres/pg-store.js';
import type { SqliteStoreOptions } from './sqlite/sqlite-store.js';

/** Where the embedded default keeps its data. */
export const DEFAULT_SQLITE_PATH = join(PROJECT_ROOT, '.data', 'fertility.db');

/** Options for either adapter; each ignores the other's. */
export type OpenStoreOptions = SqliteStoreOptions & PostgresStoreOptions;

/** What a database URL designates. */
export type StoreTarget = { driver: 'sqlite'; path: string } | { driver: 'postgres'; url: string };

/** Parse a `--db` value. Throws `input-invalid` for a scheme we do not support. */
export function parseStoreUrl(url: string | undefined, cwd: string = process.cwd()): StoreTarget {
  const u = url?.trim() ?? '';
  if (u === '') return { driver: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (/^postgres(ql)?:\/\//i.test(u)) return { driver: 'postgres', url: u };
  if (u === ':memory:' || u === 'sqlite::memory:') return { driver: 'sqlite', path: ':memory:' };
  let path: string;
  if (/^sqlite:/i.test(u)) {
    path = u.slice('sqlite:'.length);
    // sqlite:///abs/path (URL form) → /abs/path; sqlite:relative/path stays relative.
    if (path.startsWith('//')) path = path.slice(2);
  } else if (/^file:/i.test(u)) {
    try {
      path = u.startsWith('file://') ? fileURLToPath(u) : u.slice('file:'.length);
    } catch (e) {
      throw new StoreError('input-invalid', `not a usable file: URL (${(e as Error).message})`, {
        path: 'db',
      });
    }
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(u)) {
    // Two or more letters before the colon: a URL scheme, not a Windows drive letter.
    const scheme = u.slice(0, u.indexOf(':') + 1);
    throw new StoreError(
      'input-invalid',
      `unsupported database URL scheme "${scheme}"; use postgres://…, sqlite:PATH or a file path`,
      { path: 'db' },
    );
  } else {
    path = u;
  }
  if (path === '') throw new StoreError('input-invalid', 'the SQLite path is empty', { path: 'db' });
  if (path === ':memory:') return { driver: 'sqlite', path };
  return { driver: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
}

/**
 * Open and migrate the store a URL designates (see the module comment). Drivers are imported
 * lazily so that a SQLite install never loads `pg` and vice versa.
 */
export async function openStore(url?: string, options: OpenStoreOptions = {}): Promise<Store> {
  const target = parseStoreUrl(url);
  if (target.driver === 'postgres') {
    const { openPostgresStore } = await import('./postgres/pg-store.js');
    return openPostgresStore(target.url, options);
  }
  const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
  return openSqliteStore(target.path, options);
}
