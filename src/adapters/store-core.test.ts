import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, StoreError, type AuditRecord, type JsonObject } from '../ports/store.js';
import {
  ChainWalker,
  PublicationFanout,
  assertNoIdentifierFields,
  auditHash,
  canonicalJson,
  checkAuditInput,
  checkPublishInput,
  generateApiKey,
  nextAuditRecord,
  objectJson,
  parseApiKey,
  redactUrl,
  sha256,
} from './store-core.js';

// Reference canonical form written independently of the implementation (string building, with
// JS's own key sort, which compares UTF-16 code units as RFC 8785 requires).
function reference(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(reference).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return (
      '{' +
      Object.keys(o)
        .sort()
        .map((k) => JSON.stringify(k) + ':' + reference(o[k]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(v);
}

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('expected a StoreError');
}

describe('canonicalJson', () => {
  it('equals sorted-key JSON.stringify and is stable through a parse round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(text).toBe(reference(v));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('follows RFC 8785 for numbers, escapes and key order (UTF-16 code units, integer-like keys included)', () => {
    expect(canonicalJson({ n: [1e21, 1e-7, 0.000001, -0, 100, 1.5] })).toBe(
      '{"n":[1e+21,1e-7,0.000001,0,100,1.5]}',
    );
    expect(canonicalJson({ s: '\u20ac\u000f"\\' })).toBe('{"s":"\u20ac\\u000f\\"\\\\"}');
    expect(canonicalJson({ '\ufb01': 1, '\ud83d\ude00': 2, '10': 3, '': 4, '2': 5 })).toBe(
      '{"":4,"10":3,"2":5,"\ud83d\ude00":2,"\ufb01":1}',
    );
  });

  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}',
    );
  });

  it.each([
    ['undefined', { a: { b: undefined } }, '$.a.b', 'undefined'],
    ['NaN', { a: [1, NaN] }, '$.a[1]', 'NaN'],
    ['Infinity', { x: Infinity }, '$.x', 'Infinity'],
    ['bigint', { x: 10n }, '$.x', 'bigint'],
    ['Date', { when: new Date(0) }, '$.when', 'Date'],
    ['Map', { m: new Map() }, '$.m', 'Map'],
    ['function', { f: () => 1 }, '$.f', 'function'],
    ['lone surrogate', { s: 'a\uD800b' }, '$.s', 'surrogate'],
    // eslint-disable-next-line no-sparse-arrays
    ['sparse array', { a: [1, , 3] }, '$.a[1]', 'sparse'],
  ])('rejects %s naming the path', (_name, value, path, word) => {
    const e = storeError(() => canonicalJson(value));
    expect(e.code).toBe('input-invalid');
    expect(e.issues[0]!.path).toBe(path);
    expect(e.message).toContain(word);
  });

  it('rejects cycles and excessive depth instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(storeError(() => canonicalJson(cyclic)).message).toContain('circular');
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(storeError(() => canonicalJson(deep)).message).toContain('nested deeper');
  });

  it('names the path of a bad key every time, and of a value after earlier documents', () => {
    for (let i = 0; i < 2; i++) {
      const e = storeError(() => canonicalJson({ ok: 1, list: [{ ['a\uDC00']: 1 }] }));
      expect(e.issues[0]!.path).toBe('$.list[0].a\uDC00');
      expect(e.message).toContain('key is not well-formed');
    }
    expect(canonicalJson({ list: [{ a: 1 }], z: 'x' })).toBe('{"list":[{"a":1}],"z":"x"}');
    expect(storeError(() => canonicalJson({ list: [{ a: 1 }, { b: NaN }] })).issues[0]!.path).toBe(
      '$.list[1].b',
    );
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('objectJson refuses non-objects and oversize documents', () => {
    expect(storeError(() => objectJson([1], 'intake', 100)).message).toBe(
      'intake: expected a JSON object, got an array',
    );
    expect(storeError(() => objectJson('x', 'intake', 100)).message).toContain('got a string');
    const big = storeError(() => objectJson({ s: 'x'.repeat(200) }, 'intake', 100));
    expect(big.code).toBe('input-too-large');
  });
});

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

describe('canonicalJson of frozen containers (remembered by identity)', () => {
  it('writes the same text as for an unfrozen copy, the first time and every time after, at any depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 5 }), (v, depth) => {
        const frozen = deepFreeze(structuredClone(v));
        let doc: unknown = frozen;
        for (let i = 0; i < depth; i++) doc = { wrap: doc, n: i };
        const expected = reference(doc);
        expect(canonicalJson(doc)).toBe(expected);
        expect(canonicalJson(doc)).toBe(expected);
        expect(canonicalJson([frozen, frozen])).toBe(`[${reference(frozen)},${reference(frozen)}]`);
      }),
    );
  });

  it('still refuses a remembered container placed deeper than the depth limit allows', () => {
    let inner: unknown = 1;
    for (let i = 0; i < 60; i++) inner = [inner];
    deepFreeze(inner);
    expect(canonicalJson({ a: inner })).toBe('{"a":' + '['.repeat(60) + '1' + ']'.repeat(60) + '}');
    let doc: unknown = inner;
    for (let i = 0; i < 10; i++) doc = [doc];
    const e = storeError(() => canonicalJson({ a: doc }));
    expect(e.message).toContain('nested deeper');
    expect(e.issues[0]!.path).toBe('$.a' + '[0]'.repeat(63));
  });

  it('does not remember a frozen container with a getter or with an unfrozen object inside', () => {
    let n = 0;
    const withGetter = Object.freeze({
      get n(): number {
        return ++n;
      },
    });
    expect(canonicalJson({ g: withGetter })).toBe('{"g":{"n":1}}');
    expect(canonicalJson({ g: withGetter })).toBe('{"g":{"n":2}}');
    const open = { x: 1 };
    const outer = Object.freeze({ open });
    expect(canonicalJson(outer)).toBe('{"open":{"x":1}}');
    open.x = 2;
    expect(canonicalJson(outer)).toBe('{"open":{"x":2}}');
  });

  it('keeps refusing identifier fields and bad values inside frozen containers', () => {
    const named = deepFreeze({ config: { a: 1 }, person: { lastName: 'X' } });
    for (let i = 0; i < 2; i++) {
      expect(canonicalJson(named)).toBe('{"config":{"a":1},"person":{"lastName":"X"}}');
      const e = storeError(() => checkAuditInput({ kind: 'answer', payload: { trace: named } }));
      expect(e.code).toBe('identifier-present');
      expect(e.issues[0]!.path).toBe('payload.trace.person.lastName');
    }
    const bad = deepFreeze({ ok: { a: 1 }, n: [1, NaN] });
    for (let i = 0; i < 2; i++)
      expect(storeError(() => canonicalJson({ bad })).issues[0]!.path).toBe('$.bad.n[1]');
  });
});

describe('audit hash', () => {
  const payloadArb = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<JsonObject>;

  it('the fast composed hash of an append equals auditHash of the record', () => {
    fc.assert(
      fc.property(payloadArb, fc.string({ maxLength: 10 }), fc.nat(), (payload, kindSuffix, seq) => {
        const kind = 'k' + kindSuffix.replace(/[^a-z0-9]/g, '');
        // Random keys are now and then identifier-like ("Dob"): refused, as they must be.
        let input: ReturnType<typeof checkAuditInput>;
        try {
          input = checkAuditInput({ kind, payload });
        } catch (e) {
          fc.pre(!(e instanceof StoreError && e.code === 'identifier-present'));
          throw e;
        }
        const rec = nextAuditRecord('tenant-1', { seq, hash: sha256(String(seq)) }, input);
        expect(rec.seq).toBe(seq + 1);
        expect(rec.hash).toBe(auditHash(rec));
      }),
    );
  });

  it('checkAuditInput names bad fields', () => {
    expect(storeError(() => checkAuditInput({ kind: 'Answer!', payload: {} })).issues[0]!.path).toBe('kind');
    expect(storeError(() => checkAuditInput({ kind: 'answer', payload: [] })).message).toContain('payload');
    expect(storeError(() => checkAuditInput({ kind: 'answer', payload: {}, id: 'x' })).issues[0]!.path).toBe(
      'id',
    );
    expect(storeError(() => checkAuditInput({ kind: 'answer', payload: { patientName: 'A' } })).code).toBe(
      'identifier-present',
    );
  });
});

describe('ChainWalker', () => {
  function chain(n: number): AuditRecord[] {
    const out: AuditRecord[] = [];
    let head = { seq: 0, hash: GENESIS_HASH };
    for (let i = 0; i < n; i++) {
      const r = nextAuditRecord('t', head, checkAuditInput({ kind: 'answer', payload: { i } }));
      out.push(r);
      head = { seq: r.seq, hash: r.hash };
    }
    return out;
  }
  function walk(records: AuditRecord[], head: { seq: number; hash: string } | null) {
    const w = new ChainWalker('t', head);
    for (const r of records) if (w.feed(r)) break;
    return w.finish();
  }
  const headOf = (rs: AuditRecord[]) => ({ seq: rs.at(-1)!.seq, hash: rs.at(-1)!.hash });

  it('accepts an intact chain and an empty one', () => {
    const rs = chain(5);
    expect(walk(rs, headOf(rs))).toBeNull();
    expect(walk([], { seq: 0, hash: GENESIS_HASH })).toBeNull();
  });

  it('names a changed payload', () => {
    const rs = chain(5);
    rs[2] = { ...rs[2]!, payload: { i: 99 } };
    expect(walk(rs, headOf(rs))).toMatchObject({ seq: 3, reason: 'hash-mismatch' });
  });

  it('names the record after one that was changed and re-hashed', () => {
    const rs = chain(5);
    const changed = { ...rs[1]!, payload: { i: 99 } };
    rs[1] = { ...changed, hash: auditHash(changed) };
    expect(walk(rs, headOf(rs))).toMatchObject({ seq: 3, reason: 'prev-hash-mismatch' });
  });

  it('names a removed record, a removed tail and a re-hashed last record', () => {
    const rs = chain(5);
    const head = headOf(rs);
    expect(walk([rs[0]!, rs[2]!, rs[3]!, rs[4]!], head)).toMatchObject({ seq: 2, reason: 'missing' });
    expect(walk(rs.slice(0, 3), head)).toMatchObject({ seq: 4, reason: 'missing' });
    const last = { ...rs[4]!, payload: { i: -1 } };
    expect(walk([...rs.slice(0, 4), { ...last, hash: auditHash(last) }], head)).toMatchObject({
      seq: 5,
      reason: 'head-mismatch',
    });
    expect(walk(rs, null)).toMatchObject({ reason: 'head-missing' });
  });

  it('reports a record whose payload cannot be hashed as malformed', () => {
    const rs = chain(2);
    const bad = { ...rs[1]!, payload: { x: undefined } as unknown as JsonObject };
    expect(walk([rs[0]!, bad], headOf(rs))).toMatchObject({ seq: 2, reason: 'malformed' });
    const w = new ChainWalker('t', headOf(rs));
    w.feed(rs[0]!);
    expect(w.feed({ ...rs[1]!, payloadError: 'stored audit payload is not valid JSON' })).toMatchObject({
      seq: 2,
      reason: 'malformed',
    });
  });
});

describe('API keys', () => {
  it('round-trips and hashes the whole key', () => {
    const k = generateApiKey();
    expect(k.key).toMatch(/^fek_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(k.key)).toEqual({ id: k.id, hash: k.hash });
    expect(k.hash).toBe(sha256(k.key));
    expect(k.hash).not.toContain(k.key.slice(21));
  });

  it('never throws on arbitrary input and only accepts the exact format', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        expect(parseApiKey(v)).toBeNull();
      }),
    );
    const k = generateApiKey().key;
    expect(parseApiKey(k + 'x')).toBeNull();
    expect(parseApiKey(' ' + k)).toBeNull();
  });
});

describe('identifier guard', () => {
  it('catches identifier field names in any spelling and depth', () => {
    const e = storeError(() =>
      assertNoIdentifierFields({ female: { labs: [{ analyte: 'amh' }, { Date_Of_Birth: 'x' }] } }, 'intake'),
    );
    expect(e.code).toBe('identifier-present');
    expect(e.issues[0]!.path).toBe('intake.female.labs[1].Date_Of_Birth');
    expect(() => assertNoIdentifierFields({ original: { name: 'AMH' }, age: 34 }, 'report')).not.toThrow();
  });
});

describe('checkPublishInput', () => {
  const version = 'sha256:' + 'a'.repeat(64);
  it('validates version, entries and publisher', () => {
    expect(
      storeError(() => checkPublishInput({ version: 'v1', entries: [], publishedBy: 'x' })).issues[0]!.path,
    ).toBe('version');
    expect(storeError(() => checkPublishInput({ version, entries: {}, publishedBy: 'x' })).message).toContain(
      'expected an array',
    );
    expect(
      storeError(() => checkPublishInput({ version, entries: [{ title: 'no id' }], publishedBy: 'x' }))
        .message,
    ).toBe('entries[0].id: every entry needs a string id');
    expect(
      storeError(() => checkPublishInput({ version, entries: [], publishedBy: ' ' })).issues[0]!.path,
    ).toBe('publishedBy');
    const ok = checkPublishInput({ version, entries: [{ id: 'b' }, { id: 'a' }], publishedBy: 'cli' });
    expect(ok.entryCount).toBe(2);
    expect(ok.contentHash).toBe(sha256('[{"id":"b"},{"id":"a"}]'));
  });
});

describe('PublicationFanout', () => {
  const pub = (n: number) => ({
    n,
    version: 'v',
    publishedAt: '',
    publishedBy: 'x',
    note: null,
    entryCount: 0,
  });
  it('delivers each publication once, only when newer, and isolates listener failures', async () => {
    const errors: Error[] = [];
    const f = new PublicationFanout(3, (e) => errors.push(e));
    const seen: number[] = [];
    f.add((p) => {
      seen.push(p.n);
    });
    f.add(() => {
      throw new Error('sync boom');
    });
    f.add(() => Promise.reject(new Error('async boom')));
    f.offer(pub(2));
    f.offer(pub(4));
    f.offer(pub(4));
    f.offer(pub(6));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([4, 6]);
    expect(errors.map((e) => e.message).sort()).toEqual([
      'async boom',
      'async boom',
      'sync boom',
      'sync boom',
    ]);
  });
});

describe('redactUrl', () => {
  it('removes passwords', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  });
});
