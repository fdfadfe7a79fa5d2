/**
 * @module adapters/store-core
 * What both store adapters must do identically, kept in one place so the SQLite and PostgreSQL
 * stores cannot drift: JSON validation and canonical form, the audit hash and the chain walk,
 * API key format and hashing, input validation, and the publication fan-out.
 * Pure functions apart from the clock, the random source and reading migration files; no driver
 * imports.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { NormalizedReportSchema, type NormalizedReport } from '../domain/observation.js';
import {
  GENESIS_HASH,
  StoreError,
  type ObservationSetInput,
  type ProfileInput,
  type AuditBreak,
  type AuditRecord,
  type JsonObject,
  type JsonValue,
  type KnowledgePublication,
  type PublicationListener,
} from '../ports/store.js';

// ── limits ─────────────────────────────────────────────────────────────────────────────────────
// An intake with a few pasted lab reports is tens of kilobytes; a megabyte leaves ample room
// while one request cannot bloat the database or the audit chain.
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
// Audit payloads carry a question, hashes, citation ids, timings: small by construction.
export const MAX_AUDIT_PAYLOAD_BYTES = 256 * 1024;
// A published bank of a few thousand entries is a few megabytes; 64 MiB bounds a runaway import.
export const MAX_KNOWLEDGE_BYTES = 64 * 1024 * 1024;
// Deeper nesting than this is not a document we produce; the bound also stops stack exhaustion.
const MAX_DEPTH = 64;

// ── JSON ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Validate that `value` is plain JSON and return its canonical text: object keys sorted by UTF-16
 * code units, no whitespace, numbers and strings as `JSON.stringify` writes them — RFC 8785 (JCS)
 * for the values accepted here. Throws `input-invalid` naming the path of the first bad value
 * instead of letting `JSON.stringify` silently drop or coerce it (undefined, NaN, Date, …).
 */
export function canonicalJson(value: unknown, path = '$'): string {
  return new CanonicalWriter(path).write(value);
}

/** A path inside a document, kept as segments and written out only for an error message. */
class PathStack {
  readonly #root: string;
  readonly #segments: Array<string | number> = [];
  constructor(root: string) {
    this.#root = root;
  }
  push(segment: string | number): void {
    this.#segments.push(segment);
  }
  pop(): void {
    this.#segments.pop();
  }
  /** `$.a[1].b` for the current position, with `extra` appended when given. */
  text(extra?: string | number): string {
    let out = this.#root;
    const all = extra === undefined ? this.#segments : [...this.#segments, extra];
    for (const s of all) out += typeof s === 'number' ? `[${s}]` : `.${s}`;
    return out;
  }
}

/**
 * The canonical writer. Audit appends run it on every answer, so it appends to one string and
 * keeps the path as a stack of segments (a path string per value was most of its cost), and it
 * finds cycles on the stack of open containers, which is as deep as the document is nested.
 */
class CanonicalWriter {
  readonly #path: PathStack;
  readonly #open: object[] = [];

  constructor(root: string) {
    this.#path = new PathStack(root);
  }

  write(value: unknown): string {
    switch (typeof value) {
      case 'string':
        if (!wellFormed(value)) throw this.#invalid('string is not well-formed Unicode (lone surrogate)');
        return JSON.stringify(value);
      case 'number':
        if (!Number.isFinite(value)) throw this.#invalid(`${String(value)} is not a JSON number`);
        return String(value); // what JSON.stringify writes for a finite number, -0 as 0 included
      case 'boolean':
        return value ? 'true' : 'false';
      case 'undefined':
        throw this.#invalid('undefined is not a JSON value (omit the field or use null)');
      case 'bigint':
        throw this.#invalid('a bigint is not a JSON number (convert it to a number or a string)');
      case 'function':
      case 'symbol':
        throw this.#invalid(`a ${typeof value} is not a JSON value`);
      case 'object':
        break;
    }
    if (value === null) return 'null';
    const obj = value as object;
    const frozen = Object.isFrozen(obj);
    if (frozen) {
      // Written before and unchangeable since; only the depth limit depends on where it sits now.
      const known = frozenTexts.get(obj);
      if (known !== undefined && this.#open.length + known.height <= MAX_DEPTH) return known.text;
    }
    if (this.#open.length >= MAX_DEPTH) throw this.#invalid(`nested deeper than ${MAX_DEPTH} levels`);
    if (this.#open.includes(obj)) throw this.#invalid('circular reference');
    this.#open.push(obj);
    let text: string;
    try {
      text = Array.isArray(obj) ? this.#array(obj) : this.#object(obj);
    } finally {
      this.#open.pop();
    }
    if (frozen) rememberFrozen(obj, text);
    return text;
  }

  #array(arr: unknown[]): string {
    let out = '[';
    for (let i = 0; i < arr.length; i++) {
      if (!(i in arr)) throw invalid(this.#path.text(i), 'sparse array hole is not a JSON value');
      this.#path.push(i);
      out += (i === 0 ? '' : ',') + this.write(arr[i]);
      this.#path.pop();
    }
    return out + ']';
  }

  #object(obj: object): string {
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw this.#invalid(
        `a ${name} is not a plain JSON object (convert it first, e.g. a Date to an ISO string)`,
      );
    }
    const keys = Object.keys(obj).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      this.#path.push(key);
      out +=
        (i === 0 ? '' : ',') +
        quotedKey(key, this.#path) +
        ':' +
        this.write((obj as Record<string, unknown>)[key]);
      this.#path.pop();
    }
    return out + '}';
  }

  #invalid(message: string): StoreError {
    return invalid(this.#path.text(), message);
  }
}

/**
 * What is known about a frozen container that was written without error and holds only
 * primitives and such containers: its canonical text, how many container levels it spans (the
 * depth limit is checked against where it sits in the next document), and whether any key in it
 * is identifier-like (see {@link isIdentifierKey}; `clean` when none is).
 */
interface FrozenText {
  text: string;
  height: number;
  clean: boolean;
}

/**
 * Canonical text of deeply frozen plain containers, by identity. Every answer's audit record
 * carries the engine's configuration (frozen, a fifth of the record), which was re-validated and
 * re-written on every append. A frozen object or array cannot gain, lose or change a property,
 * and neither can its prototype change, so when every value under it is a primitive or another
 * remembered container (and no property is a getter), its text and verdicts are fixed for good.
 * Held weakly: an entry lives as long as its object.
 */
const frozenTexts = new WeakMap<object, FrozenText>();

/** After writing the frozen container `obj` as `text`: remember it if everything under it is fixed. */
function rememberFrozen(obj: object, text: string): void {
  let height = 1;
  let clean = true;
  const isArray = Array.isArray(obj);
  for (const key of Object.keys(obj)) {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    if (d === undefined || !('value' in d)) return; // an accessor may answer differently next time
    const v: unknown = d.value;
    if (v !== null && typeof v === 'object') {
      const child = frozenTexts.get(v);
      if (child === undefined) return; // not frozen, or not fixed all the way down
      if (child.height + 1 > height) height = child.height + 1;
      if (!child.clean) clean = false;
    }
    // The identifier walk checks the keys of objects, not the indexes of arrays.
    if (!isArray && isIdentifierKey(key)) clean = false;
  }
  frozenTexts.set(obj, { text, height, clean });
}

// Documents repeat the same keys; each key's quoted form is kept once it has been checked.
// Bounded, since keys come from input.
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_SIZE = 4096;

function quotedKey(key: string, path: PathStack): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    if (!wellFormed(key)) throw invalid(path.text(), 'key is not well-formed Unicode');
    q = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_SIZE) quotedKeys.set(key, q);
  }
  return q;
}

// A lone UTF-16 surrogate cannot be encoded as UTF-8; PostgreSQL and SQLite would reject or
// mangle it. String.prototype.isWellFormed (Node 20) is not in the ES2023 lib we compile with,
// so it is looked up at run time, with the regular expression as the fallback.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const wellFormed: (s: string) => boolean = nativeWellFormed
  ? (s) => nativeWellFormed.call(s)
  : (s) => !LONE_SURROGATE.test(s);

function invalid(path: string, message: string): StoreError {
  return new StoreError('input-invalid', message, { path });
}

/** Validate a JSON object, check its size, and return its canonical text. */
export function objectJson(value: unknown, path: string, maxBytes: number): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(path, `expected a JSON object, got ${describeType(value)}`);
  }
  return sized(canonicalJson(value, path), path, maxBytes);
}

/** Validate a JSON array of objects, check its size, and return its canonical text. */
export function arrayOfObjectsJson(value: unknown, path: string, maxBytes: number): string {
  if (!Array.isArray(value)) throw invalid(path, `expected an array, got ${describeType(value)}`);
  value.forEach((item: unknown, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw invalid(`${path}[${i}]`, `expected an object, got ${describeType(item)}`);
    }
  });
  return sized(canonicalJson(value, path), path, maxBytes);
}

function sized(text: string, path: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new StoreError('input-too-large', `${path}: ${bytes} bytes exceeds the limit of ${maxBytes}`, {
      path,
    });
  }
  return text;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** `sha256:` + lowercase hex SHA-256 of the UTF-8 text. */
export function sha256(text: string): string {
  return 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Parse JSON text read back from the database. We wrote it, so a failure means corruption or a
 * hand edit: a plain Error (an internal fault), not an input error.
 */
export function parseStoredJson(text: unknown, what: string): JsonValue {
  if (typeof text !== 'string') {
    // pg parses json columns itself; values arrive already parsed.
    return text as JsonValue;
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new Error(
      `stored ${what} is not valid JSON (${(e as Error).message}); the row was altered outside the engine`,
    );
  }
}

// ── de-identification guard ────────────────────────────────────────────────────────────────────

// Field names that hold a person's identity, compared lowercased without separators. This catches
// the structured leak (an intake exported from a system that adds `patientName`); it cannot catch
// a name inside free text or under an innocuous key such as `name` (which lab reports use for the
// analyte's printed name), and says so in docs/storage.md.
const IDENTIFIER_KEYS = new Set([
  'patientname',
  'firstname',
  'lastname',
  'fullname',
  'givenname',
  'familyname',
  'surname',
  'middlename',
  'maidenname',
  'dateofbirth',
  'dob',
  'birthdate',
  'birthday',
  'mrn',
  'medicalrecordnumber',
  'patientid',
  'patientnumber',
  'nhsnumber',
  'ssn',
  'socialsecuritynumber',
  'nationalid',
  'passportnumber',
  'insurancenumber',
  'phone',
  'phonenumber',
  'telephone',
  'mobilenumber',
  'email',
  'emailaddress',
  'address',
  'streetaddress',
  'homeaddress',
  'postcode',
  'postalcode',
  'zipcode',
]);

/** Throw `identifier-present` at the first field whose name marks personal identity. */
export function assertNoIdentifierFields(value: unknown, path: string): void {
  findIdentifierField(value, new PathStack(path), 0);
}

function findIdentifierField(value: unknown, path: PathStack, depth: number): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  // A remembered frozen container without any identifier-like key cannot hold a field to refuse.
  if (Object.isFrozen(value) && frozenTexts.get(value)?.clean === true) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== 'object') continue;
      path.push(i);
      findIdentifierField(item, path, depth + 1);
      path.pop();
    }
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const child = obj[key];
    // The `deidentified` issue of a normalized report counts what was removed by kind
    // ({ name: 1, address: 2 }): numbers under identifier-like keys, not identifiers. Added with
    // the HTTP service, whose normalize route stores reports as the pipeline returns them.
    if (key === 'details' && obj.code === 'deidentified' && onlyNumbers(child)) continue;
    if (isIdentifierKey(key)) {
      throw new StoreError(
        'identifier-present',
        `looks like a personal identifier; only de-identified data is stored (remove the field)`,
        { path: path.text(key) },
      );
    }
    if (child === null || typeof child !== 'object') continue;
    path.push(key);
    findIdentifierField(child, path, depth + 1);
    path.pop();
  }
}

// Documents repeat the same few hundred keys; remembering each key's verdict saves a lowercase
// and a regular-expression replace per key on every append. Bounded, since keys come from input.
const identifierKeyMemo = new Map<string, boolean>();
const IDENTIFIER_KEY_MEMO_SIZE = 4096;

function isIdentifierKey(key: string): boolean {
  let verdict = identifierKeyMemo.get(key);
  if (verdict === undefined) {
    verdict = IDENTIFIER_KEYS.has(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
    if (identifierKeyMemo.size < IDENTIFIER_KEY_MEMO_SIZE) identifierKeyMemo.set(key, verdict);
  }
  return verdict;
}

/** Whether every leaf of a value is a number (counts). */
function onlyNumbers(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') return true;
  if (depth > 3 || value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every((v) => onlyNumbers(v, depth + 1));
}

/** Check and re-parse a normalized lab report; unknown fields are dropped by the schema. */
export function parseReport(value: unknown, path: string): { report: NormalizedReport; text: string } {
  assertNoIdentifierFields(value, path);
  const parsed = NormalizedReportSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? [path, ...first.path.map(String)].join('.') : path;
    throw new StoreError('input-invalid', first?.message ?? 'not a normalized lab report', {
      path: where,
    });
  }
  const text = objectJson(parsed.data, path, MAX_DOCUMENT_BYTES);
  return { report: JSON.parse(text) as NormalizedReport, text };
}

// ── documents ──────────────────────────────────────────────────────────────────────────────────

/** Validate a profile save before any I/O. */
export function checkProfileInput(input: ProfileInput): {
  intakeText: string;
  profileText: string;
  intakeHash: string;
  knowledgeVersion: string | null;
} {
  if (input === null || typeof input !== 'object') {
    throw new StoreError('input-invalid', 'expected { intake, profile }', { path: '$' });
  }
  assertNoIdentifierFields(input.intake, 'intake');
  assertNoIdentifierFields(input.profile, 'profile');
  const intakeText = objectJson(input.intake, 'intake', MAX_DOCUMENT_BYTES);
  const profileText = objectJson(input.profile, 'profile', MAX_DOCUMENT_BYTES);
  const kv = input.knowledgeVersion;
  return {
    intakeText,
    profileText,
    intakeHash: sha256(intakeText),
    knowledgeVersion: kv === undefined || kv === null ? null : knowledgeVersionId(kv, 'knowledgeVersion'),
  };
}

/** Validate an observation-set save before any I/O. */
export function checkObservationInput(input: ObservationSetInput): {
  report: NormalizedReport;
  reportText: string;
  profileId: string | null;
  partner: 'female' | 'male' | null;
} {
  if (input === null || typeof input !== 'object') {
    throw new StoreError('input-invalid', 'expected { report, profileId?, partner? }', { path: '$' });
  }
  const { report, text } = parseReport(input.report, 'report');
  const profileId = input.profileId ?? null;
  if (profileId !== null && !isId(profileId)) {
    throw new StoreError('not-found', `no profile ${String(profileId)}`, { path: 'profileId' });
  }
  const partner = input.partner ?? null;
  if (partner !== null && partner !== 'female' && partner !== 'male') {
    throw new StoreError('input-invalid', 'expected "female", "male" or null', { path: 'partner' });
  }
  return { report, reportText: text, profileId, partner };
}

// ── scalar validation ──────────────────────────────────────────────────────────────────────────

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Printable text without control characters: names and notes end up in terminals and logs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A new random id for rows and records. */
export const newId = (): string => randomUUID();

/** Whether `id` has the shape of an id we issue; anything else is simply not found. */
export function isId(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/** Validate an id the caller supplies for a new record (idempotency key). */
export function requireId(id: unknown, path: string): string {
  if (!isId(id)) throw invalid(path, 'expected a lowercase UUID');
  return id;
}

/** Validate a tenant name: 1–100 printable characters, trimmed, no control characters. */
export function tenantName(name: unknown): string {
  if (typeof name !== 'string') throw invalid('name', `expected a string, got ${describeType(name)}`);
  const trimmed = name.trim();
  if (trimmed.length === 0) throw invalid('name', 'a tenant name cannot be empty');
  if (trimmed.length > 100) throw invalid('name', 'a tenant name is at most 100 characters');
  if (CONTROL.test(trimmed) || !wellFormed(trimmed)) throw invalid('name', 'contains control characters');
  return trimmed;
}

/** Validate optional short text (labels, notes, publisher). */
export function optionalText(value: unknown, path: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(path, `expected a string, got ${describeType(value)}`);
  if (value.length > max) throw invalid(path, `at most ${max} characters`);
  // PostgreSQL text cannot hold NUL, and a lone surrogate cannot be encoded as UTF-8.
  if (!wellFormed(value) || value.includes('\u0000')) {
    throw invalid(path, 'contains a NUL or an invalid character');
  }
  return value;
}

/** Validate required short text. */
export function requiredText(value: unknown, path: string, max: number): string {
  const text = optionalText(value, path, max);
  if (text === null || text.trim() === '') throw invalid(path, 'is required');
  return text;
}

const KIND = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;
/** Validate an audit record kind such as `answer` or `key.revoked`. */
export function auditKind(kind: unknown): string {
  if (typeof kind !== 'string' || kind.length > 64 || !KIND.test(kind)) {
    throw invalid(
      'kind',
      'expected a lowercase dotted kind such as `answer` or `profile.created` (≤ 64 chars)',
    );
  }
  return kind;
}

const VERSION = /^sha256:[0-9a-f]{64}$/;
/** Validate a knowledge-bank version id. */
export function knowledgeVersionId(version: unknown, path = 'version'): string {
  if (typeof version !== 'string' || !VERSION.test(version)) {
    throw invalid(path, 'expected a knowledge version `sha256:` followed by 64 lowercase hex digits');
  }
  return version;
}

/** Validate a page size. */
export function pageLimit(limit: unknown, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalid('limit', `expected an integer from 1 to ${max}`);
  }
  return limit;
}

/** Decode a cursor (the internal row number of the last item seen). */
export function pageCursor(cursor: unknown): number | null {
  if (cursor === undefined || cursor === null) return null;
  if (typeof cursor !== 'string' || !/^[1-9][0-9]{0,14}$/.test(cursor)) {
    throw invalid('cursor', 'not a cursor returned by this store');
  }
  return Number(cursor);
}

/** Validate a non-negative integer sequence number. */
export function seqNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(path, 'expected a non-negative integer');
  }
  return value;
}

/** Now, as stored: ISO 8601 UTC with milliseconds. */
export const nowIso = (): string => new Date().toISOString();

// ── API keys ───────────────────────────────────────────────────────────────────────────────────

// `fek_` + 16 hex (public id, 64 bits) + `_` + 43 base64url characters (256 random bits).
const KEY = /^fek_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * A new API key. Only `hash` is stored. SHA-256 rather than bcrypt/argon2: those slow hashes
 * protect guessable passwords, but this secret is 256 random bits, so a fast hash is already
 * beyond brute force, and a slow one would add tens of milliseconds to every request.
 */
export function generateApiKey(): { id: string; key: string; hash: string } {
  const id = randomBytes(8).toString('hex');
  const key = `fek_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: sha256(key) };
}

/** The key id and hash of a presented key, or `null` when it is not one of ours. */
export function parseApiKey(key: unknown): { id: string; hash: string } | null {
  if (typeof key !== 'string') return null;
  const m = KEY.exec(key);
  return m ? { id: m[1]!, hash: sha256(key) } : null;
}

/** Validate a key id as printed by `key list`. */
export function isKeyId(id: unknown): id is string {
  return typeof id === 'string' && /^[0-9a-f]{16}$/.test(id);
}

// ── audit chain ────────────────────────────────────────────────────────────────────────────────

/** The fields covered by the hash: everything in the record except the hash itself. */
export type AuditUnsigned = Omit<AuditRecord, 'hash'>;

/**
 * The record hash: `sha256(canonical JSON of {at, id, kind, payload, prevHash, seq, tenantId})`.
 * Anyone can recompute it from an exported record with any RFC 8785 implementation.
 */
export function auditHash(record: AuditUnsigned): string {
  return sha256(
    canonicalJson({
      id: record.id,
      tenantId: record.tenantId,
      seq: record.seq,
      at: record.at,
      kind: record.kind,
      payload: record.payload,
      prevHash: record.prevHash,
    }),
  );
}

/** An append request after validation: the payload is already in canonical text. */
export interface CheckedAudit {
  id: string;
  kind: string;
  payload: JsonObject;
  payloadText: string;
}

/** Validate an append request before any I/O (so bad input never opens a transaction). */
export function checkAuditInput(input: unknown): CheckedAudit {
  if (input === null || typeof input !== 'object') throw invalid('$', 'expected { kind, payload }');
  const { id, kind, payload } = input as { id?: unknown; kind?: unknown; payload?: unknown };
  const checkedKind = auditKind(kind);
  const payloadText = objectJson(payload, 'payload', MAX_AUDIT_PAYLOAD_BYTES);
  assertNoIdentifierFields(payload, 'payload');
  let parsed: JsonObject | undefined;
  return {
    id: id === undefined ? newId() : requireId(id, 'id'),
    kind: checkedKind,
    // Returned as re-parsed canonical text, so the caller's object is never aliased; parsed on
    // first read, because the service's group commit only reads a record's seq and id.
    get payload(): JsonObject {
      return (parsed ??= JSON.parse(payloadText) as JsonObject);
    },
    payloadText,
  };
}

// A group commit gathers at most a few hundred answers; this bounds one transaction's lock time.
export const MAX_AUDIT_BATCH = 1000;

/** Validate a batch of appends before any I/O; issue paths name the item (`inputs[2].kind`). */
export function checkAuditInputs(inputs: unknown): CheckedAudit[] {
  if (!Array.isArray(inputs)) throw invalid('inputs', `expected an array, got ${describeType(inputs)}`);
  if (inputs.length > MAX_AUDIT_BATCH)
    throw invalid('inputs', `at most ${MAX_AUDIT_BATCH} records per batch`);
  return inputs.map((input: unknown, i) => {
    try {
      return checkAuditInput(input);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      const inner = e.issues[0];
      const path =
        inner?.path === undefined || inner.path === '$' ? `inputs[${i}]` : `inputs[${i}].${inner.path}`;
      throw new StoreError(e.code, inner?.message ?? e.message, { path });
    }
  });
}

/**
 * Build the record that follows `head` (seq 0 / genesis for an empty chain). The canonical text
 * is assembled around the already-canonical payload instead of re-serialising it (appends are on
 * the request path); a unit test checks it equals {@link auditHash}.
 */
export function nextAuditRecord(
  tenantId: string,
  head: { seq: number; hash: string },
  input: CheckedAudit,
): AuditRecord {
  const seq = head.seq + 1;
  const at = nowIso();
  // Keys in sorted order: at, id, kind, payload, prevHash, seq, tenantId.
  const text =
    `{"at":${JSON.stringify(at)},"id":${JSON.stringify(input.id)},"kind":${JSON.stringify(input.kind)},` +
    `"payload":${input.payloadText},"prevHash":${JSON.stringify(head.hash)},"seq":${seq},` +
    `"tenantId":${JSON.stringify(tenantId)}}`;
  return {
    id: input.id,
    tenantId,
    seq,
    at,
    kind: input.kind,
    get payload(): JsonObject {
      return input.payload; // parsed when first read (see checkAuditInput)
    },
    prevHash: head.hash,
    hash: sha256(text),
  };
}

/** An audit row as read for verification: the payload may not even parse. */
export interface RawAuditRow {
  seq: number;
  id: string;
  at: string;
  kind: string;
  payload: unknown;
  /** Set when the stored payload text is not JSON. */
  payloadError?: string;
  prevHash: string;
  hash: string;
}

/** The genesis head of a new chain. */
export const GENESIS_HEAD = { seq: 0, hash: GENESIS_HASH } as const;

/**
 * Walks one tenant's chain in seq order and remembers the first break. Fed record by record so
 * that verification reads the log in batches and never holds a whole chain in memory.
 */
export class ChainWalker {
  readonly tenantId: string;
  private readonly head: { seq: number; hash: string } | null;
  private expected = 1;
  private prev: string = GENESIS_HASH;
  private broken: AuditBreak | null = null;
  records = 0;

  /** `head`: the chain-head row read before the records (null if that row is missing). */
  constructor(tenantId: string, head: { seq: number; hash: string } | null) {
    this.tenantId = tenantId;
    this.head = head;
  }

  /** The first break so far. */
  get firstBreak(): AuditBreak | null {
    return this.broken;
  }

  /** Feed the next record (ascending seq). */
  feed(record: RawAuditRow): AuditBreak | null {
    if (this.broken) return this.broken;
    this.records++;
    const seq = record.seq;
    if (seq > this.expected) {
      return this.fail(
        this.expected,
        'missing',
        `record ${this.expected} is missing (the next one present is ${seq})`,
      );
    }
    if (record.prevHash !== this.prev) {
      return this.fail(
        seq,
        'prev-hash-mismatch',
        seq === 1
          ? 'record 1 does not start from the genesis hash'
          : `record ${seq} does not link to record ${seq - 1} (one of them was changed and re-hashed, or replaced)`,
      );
    }
    if (record.payloadError !== undefined) {
      return this.fail(seq, 'malformed', `record ${seq}: ${record.payloadError}`);
    }
    let computed: string;
    try {
      computed = auditHash({ ...record, tenantId: this.tenantId, payload: record.payload as JsonObject });
    } catch (e) {
      return this.fail(seq, 'malformed', `record ${seq} cannot be hashed: ${(e as Error).message}`);
    }
    if (computed !== record.hash) {
      return this.fail(
        seq,
        'hash-mismatch',
        `record ${seq} does not match its hash (changed after it was written)`,
      );
    }
    this.prev = record.hash;
    this.expected = seq + 1;
    return null;
  }

  /** Compare the end of the walk with the chain head. */
  finish(): AuditBreak | null {
    if (this.broken) return this.broken;
    const last = this.expected - 1;
    if (this.head === null) {
      return this.fail(
        Math.max(last, 1),
        'head-missing',
        'the chain head row is missing (removed or never written)',
      );
    }
    if (last < this.head.seq) {
      return this.fail(
        last + 1,
        'missing',
        `record ${last + 1} is missing (the chain head says the chain reaches ${this.head.seq})`,
      );
    }
    if (this.head.hash !== this.prev) {
      return this.fail(
        this.head.seq,
        'head-mismatch',
        `record ${this.head.seq} does not match the chain head (the last record was changed or replaced)`,
      );
    }
    return null;
  }

  private fail(seq: number, reason: AuditBreak['reason'], message: string): AuditBreak {
    this.broken = { tenantId: this.tenantId, seq, reason, message };
    return this.broken;
  }
}

// ── knowledge ──────────────────────────────────────────────────────────────────────────────────

/** Validate a publication request; returns the canonical entries text and its content hash. */
export function checkPublishInput(input: unknown): {
  version: string;
  entriesText: string;
  contentHash: string;
  entryCount: number;
  publishedBy: string;
  note: string | null;
} {
  if (input === null || typeof input !== 'object')
    throw invalid('$', 'expected { version, entries, publishedBy }');
  const { version, entries, publishedBy, note } = input as Record<string, unknown>;
  const v = knowledgeVersionId(version);
  const entriesText = arrayOfObjectsJson(entries, 'entries', MAX_KNOWLEDGE_BYTES);
  (entries as Array<Record<string, unknown>>).forEach((e, i) => {
    if (typeof e.id !== 'string' || e.id === '')
      throw invalid(`entries[${i}].id`, 'every entry needs a string id');
  });
  return {
    version: v,
    entriesText,
    contentHash: sha256(entriesText),
    entryCount: (entries as unknown[]).length,
    publishedBy: requiredText(publishedBy, 'publishedBy', 200),
    note: optionalText(note, 'note', 2000),
  };
}

/**
 * Delivers publications to listeners, each at most once and only when newer than the last one
 * delivered, so that a NOTIFY, a poll and a reconnect catch-up for the same publication do not
 * reload the bank three times.
 */
export class PublicationFanout {
  private readonly listeners = new Set<PublicationListener>();
  private lastN: number;
  private readonly onError: (e: Error) => void;

  constructor(startAfter: number, onError: (e: Error) => void) {
    this.lastN = startAfter;
    this.onError = onError;
  }

  get size(): number {
    return this.listeners.size;
  }
  /** The highest publication number delivered (or the starting point). */
  get last(): number {
    return this.lastN;
  }
  add(listener: PublicationListener): void {
    this.listeners.add(listener);
  }
  remove(listener: PublicationListener): void {
    this.listeners.delete(listener);
  }

  /** Deliver `p` if it is newer than anything delivered; listener failures go to `onError`. */
  offer(p: KnowledgePublication): void {
    if (p.n <= this.lastN) return;
    this.lastN = p.n;
    for (const listener of [...this.listeners]) {
      try {
        const r = listener(p);
        if (r instanceof Promise) r.catch((e: unknown) => this.onError(asError(e)));
      } catch (e) {
        this.onError(asError(e));
      }
    }
  }
}

/** Coerce a thrown value into an Error. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Remove the password from a database URL so it can be logged and shown in errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

// ── migrations ─────────────────────────────────────────────────────────────────────────────────

/** One numbered SQL migration file. */
export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/**
 * The migration files of a dialect, in order. Read from `src/adapters/<dialect>/migrations` under
 * the project root (not next to the compiled module: `tsc` does not copy `.sql` into `dist/`).
 * Names are `NNNN_words.sql`; a gap or a duplicate number is a packaging bug and fails loudly.
 */
export function readMigrationFiles(dialect: 'sqlite' | 'postgres'): MigrationFile[] {
  const dir = join(PROJECT_ROOT, 'src', 'adapters', dialect, 'migrations');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return files.map((file, i) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new Error(`${dir}/${file}: migration files are named NNNN_name.sql`);
    const version = Number(m[1]);
    if (version !== i + 1)
      throw new Error(`${dir}/${file}: expected migration number ${i + 1} (no gaps, no duplicates)`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version, name: m[2]!, sql, checksum: sha256(sql) };
  });
}

/**
 * Compare what a database has applied with the files; return the files still to apply.
 * A version the files do not have means a newer engine migrated this database; a changed file
 * means an applied migration was edited. Both stop the store from opening: running on a schema
 * it does not understand is how stored data gets damaged.
 */
export function pendingMigrations(
  files: MigrationFile[],
  applied: Array<{ version: number; checksum: string }>,
  where: string,
): MigrationFile[] {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  for (const a of applied) {
    const f = byVersion.get(a.version);
    if (!f) {
      throw new StoreError(
        'store-schema-ahead',
        `${where} has migration ${a.version}, which this engine does not know (it knows up to ${files.length}); upgrade the engine`,
      );
    }
    if (f.checksum !== a.checksum) {
      throw new StoreError(
        'store-migration-mismatch',
        `${where}: migration ${a.version} (${f.name}) was applied from a different file than the one shipped now; restore the original file`,
      );
    }
  }
  const done = new Set(applied.map((a) => a.version));
  return files.filter((f) => !done.has(f.version));
}
