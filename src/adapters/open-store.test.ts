import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../ports/store.js';
import { DEFAULT_SQLITE_PATH, parseStoreUrl } from './open-store.js';
import { splitSchema } from './postgres/pg-store.js';

describe('parseStoreUrl', () => {
  it.each([
    [undefined, { driver: 'sqlite', path: DEFAULT_SQLITE_PATH }],
    ['  ', { driver: 'sqlite', path: DEFAULT_SQLITE_PATH }],
    ['postgres://u@h:5432/db', { driver: 'postgres', url: 'postgres://u@h:5432/db' }],
    ['postgresql://u@h/db?schema=x', { driver: 'postgres', url: 'postgresql://u@h/db?schema=x' }],
    ['sqlite::memory:', { driver: 'sqlite', path: ':memory:' }],
    [':memory:', { driver: 'sqlite', path: ':memory:' }],
    ['sqlite:data/f.db', { driver: 'sqlite', path: '/work/x/data/f.db' }],
    ['sqlite:///var/lib/f.db', { driver: 'sqlite', path: '/var/lib/f.db' }],
    ['file:///var/lib/f.db', { driver: 'sqlite', path: '/var/lib/f.db' }],
    ['file:rel.db', { driver: 'sqlite', path: '/work/x/rel.db' }],
    ['/abs/f.db', { driver: 'sqlite', path: '/abs/f.db' }],
    ['./f.db', { driver: 'sqlite', path: '/work/x/f.db' }],
  ])('%s', (url, expected) => {
    expect(parseStoreUrl(url, '/work/x')).toEqual(expected);
  });

  it('refuses unsupported schemes and empty paths with input-invalid', () => {
    for (const url of ['mysql://h/db', 'sqlite:', 'https://example.org/db']) {
      let caught: unknown;
      try {
        parseStoreUrl(url, '/w');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(StoreError);
      expect((caught as StoreError).code).toBe('input-invalid');
    }
  });

  it('never throws anything but input-invalid, whatever the string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.string().map((s) => 'sqlite:' + s),
        ),
        (url) => {
          try {
            const t = parseStoreUrl(url, '/w');
            expect(['sqlite', 'postgres']).toContain(t.driver);
          } catch (e) {
            expect(e).toBeInstanceOf(StoreError);
            expect((e as StoreError).code).toBe('input-invalid');
          }
        },
      ),
    );
  });
});

describe('splitSchema', () => {
  it('takes ?schema= off the URL, defaults to public, and validates the name', () => {
    expect(splitSchema('postgres://u@h/db?schema=clinic_1&sslmode=disable')).toEqual({
      connectionString: 'postgres://u@h/db?sslmode=disable',
      schema: 'clinic_1',
    });
    expect(splitSchema('postgres://u@h/db')).toEqual({
      connectionString: 'postgres://u@h/db',
      schema: 'public',
    });
    expect(splitSchema('postgres://u@h/db?schema=a', 'b').schema).toBe('b');
    expect(() => splitSchema('postgres://u@h/db?schema=Robert%27);DROP')).toThrow(/schema/);
  });
});
