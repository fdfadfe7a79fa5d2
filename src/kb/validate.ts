/**
 * @module kb/validate
 * Everything `fertility kb validate` checks, as a pure function over a loaded bank:
 *
 * per entry   schema (zod) · id = file name · statements not empty and free of citation markers
 *             and URLs · complete source · known concepts (concepts ∪ analytes) · applicability
 *             conditions over known facts, with operators and values that fit the fact's type ·
 *             review date not passed (warning) · `verifiedFrom` files that exist in shared/domain
 * across      duplicate ids · `supersedes` that resolve · no published entry superseding a
 *             published one · no supersession cycles · superseded entries that nobody supersedes
 *             (warning)
 * documents   metadata schema and complete source · chunk lines · unique chunk ids · parents
 *             that exist earlier in the same document
 *
 * Every issue uses the catalog code and `path` = `file#field` (or `file:line` for JSON Lines).
 * Imported text is never interpreted, only checked for shape.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  CLASSIFICATION_IDS,
  FACTS,
  FLAG_FACT_PATTERN,
  LAB_FACT_PATTERN,
  isKnownFact,
  type ClassificationId,
  type FactDefinition,
} from '../domain/facts.js';
import { issue, type Issue } from '../domain/issues.js';
import { KnowledgeEntrySchema, type KnowledgeEntry } from '../domain/knowledge.js';
import { CLASSIFICATION_VALUES, isClassificationValue } from '../domain/profile.js';
import { sourceIsComplete } from '../domain/source.js';
import { PROJECT_ROOT } from '../paths.js';
import { ChunkLineSchema, DocumentMetaSchema, toDocumentChunk, type ValidDocument } from './document.js';
import type { LoadedBank } from './load.js';
import { defaultVocabulary, type KbVocabulary } from './vocabulary.js';

/** An entry to validate: parsed data plus where it came from. */
export interface EntryInput {
  /** Label for issue paths (a file path, or `entries[3]` for in-memory entries). */
  path: string;
  /** File name without extension, which must equal the id; null when there is no file. */
  stem: string | null;
  /** Topic folder ("" when none). */
  topic: string;
  data: unknown;
}

export interface ValidateOptions {
  /** "Today" for review dates, `YYYY-MM-DD` (default: the current UTC date). Injectable for tests. */
  today?: string;
  /** Concept and analyte ids (default: the bundled terminology). */
  vocabulary?: KbVocabulary;
  /**
   * The `shared/domain` folder that `verifiedFrom` refs point into; `null` skips that check.
   * Default: `../shared/domain` beside the project when it exists, else skipped.
   */
  sharedDomainDir?: string | null;
}

/** A schema-valid entry with where it came from. */
export interface ValidatedEntry {
  entry: KnowledgeEntry;
  path: string;
  topic: string;
}

export interface ValidationReport {
  /** True when no issue has severity `error`. */
  ok: boolean;
  /** Entries that passed the schema (all statuses), in input order. Cross-entry errors do not remove them. */
  entries: ValidatedEntry[];
  documents: ValidDocument[];
  issues: Issue[];
  errors: number;
  warnings: number;
  /** What was checked, so that a skipped check is visible rather than silently passed. */
  checked: {
    files: number;
    entries: number;
    documents: number;
    chunks: number;
    verifiedFrom: 'checked' | 'skipped';
  };
}

const DEFAULT_SHARED_DOMAIN = join(PROJECT_ROOT, '..', 'shared', 'domain');

/** Validate a loaded bank (files from disk or git). */
export function validateBank(bank: LoadedBank, opts: ValidateOptions = {}): ValidationReport {
  return validateInputs(bank.entries, bank.documents, bank.issues, opts, bank.stats.files);
}

/**
 * Validate in-memory entries (tests, versions read from a database), optionally with imported
 * documents in their on-disk shape. Paths are `entry:<id>` (or `entries[i]` without an id).
 */
export function validateEntries(
  entries: readonly unknown[],
  opts: ValidateOptions = {},
  documents: LoadedBank['documents'] = [],
): ValidationReport {
  const inputs: EntryInput[] = entries.map((data, i) => {
    const id = isRecord(data) && typeof data.id === 'string' ? data.id : null;
    return { path: id ? `entry:${id}` : `entries[${i}]`, stem: null, topic: '', data };
  });
  return validateInputs(inputs, documents, [], opts, entries.length);
}

/** Shared core: per-entry checks, cross-entry checks, documents. */
export function validateInputs(
  inputs: readonly EntryInput[],
  documents: LoadedBank['documents'],
  loadIssues: readonly Issue[],
  opts: ValidateOptions,
  files: number,
): ValidationReport {
  const vocab = opts.vocabulary ?? defaultVocabulary();
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const shared =
    opts.sharedDomainDir === undefined
      ? existsSync(DEFAULT_SHARED_DOMAIN)
        ? DEFAULT_SHARED_DOMAIN
        : null
      : opts.sharedDomainDir;
  const ctx: EntryContext = { vocab, today, shared };
  const issues: Issue[] = [...loadIssues];
  const valid: ValidatedEntry[] = [];
  // id → status for every entry that has a readable id, valid or not, so that one broken entry
  // does not cascade into "supersedes names an entry that does not exist" elsewhere.
  const known = new Map<string, { path: string; status: unknown; supersedes: string[] }>();

  for (const input of inputs) {
    if (input.data === undefined) continue; // did not parse: kb-parse already raised
    const r = checkEntry(input, ctx);
    issues.push(...r.issues);
    if (r.entry) valid.push({ entry: r.entry, path: input.path, topic: input.topic });
    const d = input.data;
    if (!isRecord(d) || typeof d.id !== 'string') continue;
    const prev = known.get(d.id);
    if (prev) {
      issues.push(
        issue('kb-duplicate-id', `id "${d.id}" is also used by ${prev.path}`, { path: `${input.path}#id` }),
      );
      continue;
    }
    const sup = Array.isArray(d.supersedes)
      ? d.supersedes.filter((s): s is string => typeof s === 'string')
      : [];
    known.set(d.id, { path: input.path, status: d.status, supersedes: sup });
  }

  issues.push(...checkSupersession(known));
  const docs = checkDocuments(documents, issues);

  const errors = issues.filter((i) => i.severity === 'error').length;
  return {
    ok: errors === 0,
    entries: valid,
    documents: docs,
    issues,
    errors,
    warnings: issues.filter((i) => i.severity === 'warning').length,
    checked: {
      files,
      entries: inputs.length,
      documents: docs.length,
      chunks: docs.reduce((n, d) => n + d.chunks.length, 0),
      verifiedFrom: shared ? 'checked' : 'skipped',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One entry

interface EntryContext {
  vocab: KbVocabulary;
  today: string;
  shared: string | null;
}

const SOURCE_REQUIRED = ['body', 'document', 'year', 'section'] as const;

function checkEntry(input: EntryInput, ctx: EntryContext): { entry?: KnowledgeEntry; issues: Issue[] } {
  const out: Issue[] = [];
  const at = (field: string): string => (field ? `${input.path}#${field}` : input.path);
  const d = input.data;
  if (!isRecord(d)) {
    out.push(
      issue('kb-schema', 'the file must hold one entry: a mapping with id, title, statement, source, …', {
        path: input.path,
      }),
    );
    return { issues: out };
  }

  // Checks with precise messages first; zod issues in the same places are then dropped as noise.
  const covered: string[] = [];
  if (typeof d.id === 'string' && input.stem !== null && d.id !== input.stem) {
    out.push(
      issue('kb-id-mismatch', `id "${d.id}" differs from the file name "${input.stem}"; rename one of them`, {
        path: at('id'),
      }),
    );
  }
  for (const field of ['statement', 'clinicianStatement', 'title'] as const) {
    const v = d[field];
    if (typeof v !== 'string') continue;
    const problem = statementProblem(v, field !== 'title');
    if (problem) {
      out.push(issue('kb-statement-invalid', problem, { path: at(field) }));
      covered.push(field);
    }
  }
  const src = d.source;
  if (!isRecord(src)) {
    out.push(
      issue('kb-source-incomplete', 'source is missing: body, document, year, section, url or doi', {
        path: at('source'),
      }),
    );
    covered.push('source');
  } else if (!sourceIsComplete(src as Parameters<typeof sourceIsComplete>[0])) {
    const missing: string[] = SOURCE_REQUIRED.filter(
      (k) => src[k] === undefined || src[k] === null || src[k] === '',
    );
    if (!src.url && !src.doi) missing.push('url or doi');
    out.push(
      issue('kb-source-incomplete', `source lacks ${missing.join(', ')}`, {
        path: at('source'),
        details: { missing },
      }),
    );
    for (const k of SOURCE_REQUIRED) if (missing.includes(k)) covered.push(`source.${k}`);
  }
  if (Array.isArray(d.concepts)) {
    d.concepts.forEach((c, i) => {
      if (typeof c === 'string' && !ctx.vocab.isConcept(c)) {
        out.push(
          issue(
            'kb-concept-unknown',
            `"${c}" is neither a concept in clinical/terminology/concepts.yaml nor an analyte id`,
            {
              path: at(`concepts[${i}]`),
            },
          ),
        );
      }
    });
  }
  if (d.applicability !== undefined) {
    const before = out.length;
    checkCondition(d.applicability, 'applicability', at, ctx.vocab, out);
    if (out.length > before) covered.push('applicability');
  }
  for (const field of ['reviewBy', 'evidenceCutoff'] as const) {
    const v = d[field];
    if (typeof v === 'string' && /^\d{4}-\d{2}(-\d{2})?$/.test(v) && !isCalendarDate(v)) {
      out.push(issue('kb-schema', `"${v}" is not a calendar date`, { path: at(field) }));
    }
  }
  if (typeof d.reviewBy === 'string' && isCalendarDate(d.reviewBy) && d.reviewBy < ctx.today) {
    if (d.status !== 'superseded' && d.status !== 'withdrawn') {
      out.push(
        issue(
          'kb-review-expired',
          `review was due ${d.reviewBy} (today is ${ctx.today}); review the entry and set a new reviewBy`,
          {
            path: at('reviewBy'),
          },
        ),
      );
    }
  }
  if (ctx.shared && Array.isArray(d.verifiedFrom)) {
    d.verifiedFrom.forEach((v, i) => {
      if (!isRecord(v) || typeof v.ref !== 'string') return;
      const file = sharedDomainFile(v.ref);
      if (file !== null && !existsSync(join(ctx.shared!, file))) {
        out.push(
          issue('kb-verified-missing', `"${v.ref}" names shared/domain/${file}, which does not exist`, {
            path: at(`verifiedFrom[${i}].ref`),
          }),
        );
      }
    });
  }

  const parsed = KnowledgeEntrySchema.safeParse(d);
  if (!parsed.success) {
    for (const zi of parsed.error.issues) {
      const p = zodPath(zi.path);
      if (covered.some((c) => p === c || p.startsWith(`${c}.`) || p.startsWith(`${c}[`))) continue;
      out.push(issue('kb-schema', zodMessage(zi), { path: at(p) }));
    }
  }
  const hasError = out.some((i) => i.severity === 'error');
  // An entry with any per-entry error is not returned as valid: the bank will be refused anyway,
  // and stats/diff must not present a half-checked entry as servable.
  return parsed.success && !hasError ? { entry: parsed.data, issues: out } : { issues: out };
}

const CITATION_MARKER = /\[\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\]/;
const URL_LIKE = /\bhttps?:\/\/|\bwww\.[a-z0-9-]+\.[a-z]/i;
const DOI_LIKE = /\b10\.\d{4,9}\/\S/;

/** Why a statement is unfit, or null. Citations belong in `source`, not in the text read to couples. */
export function statementProblem(text: string, isStatement: boolean): string | null {
  if (text.trim() === '') return 'is empty';
  if (isStatement && CITATION_MARKER.test(text)) {
    return 'carries a citation marker such as [1]; the answer engine numbers citations itself from `source`';
  }
  if (URL_LIKE.test(text)) return 'carries a URL; put it in source.url';
  if (DOI_LIKE.test(text)) return 'carries a DOI; put it in source.doi';
  return null;
}

/** The file named by a `verifiedFrom` ref into shared/domain (`shared/domain/criteria.md §4` → `criteria.md`). */
export function sharedDomainFile(ref: string): string | null {
  const m = /(?:^|[\s(`'"])(?:\.\.\/)?shared\/domain\/([A-Za-z0-9._/-]+)/.exec(ref);
  if (!m) return null;
  const file = m[1]!.replace(/[.,;:)]+$/, '');
  return file.includes('..') ? `${file} (outside shared/domain)` : file;
}

// ---------------------------------------------------------------------------------------------
// Applicability conditions

const OPS = ['eq', 'ne', 'in', 'nin', 'lt', 'lte', 'gt', 'gte', 'between', 'exists'] as const;
type Op = (typeof OPS)[number];
const OPS_FOR: Record<FactDefinition['type'], readonly Op[]> = {
  number: OPS,
  string: ['eq', 'ne', 'in', 'nin', 'exists'],
  boolean: ['eq', 'ne', 'exists'],
};
const CONDITION_KEYS = new Set(['fact', 'op', 'value', 'label']);

/** The definition of a fact key: the fixed catalog, or the open lab and flag patterns. */
export function factDefinition(key: string): FactDefinition | undefined {
  const fixed = FACTS[key];
  if (fixed) return fixed;
  if (LAB_FACT_PATTERN.test(key)) return { type: 'number', need: `${key.replace('.lab.', ' ')} result` };
  if (FLAG_FACT_PATTERN.test(key)) return { type: 'boolean', need: key };
  return undefined;
}

function checkCondition(
  c: unknown,
  path: string,
  at: (f: string) => string,
  vocab: KbVocabulary,
  out: Issue[],
): void {
  const bad = (field: string, msg: string): void => {
    out.push(issue('kb-condition-invalid', msg, { path: at(field) }));
  };
  if (!isRecord(c)) {
    bad(path, 'a condition is {fact, op, value} or {all: [...]}, {any: [...]}, {not: condition}');
    return;
  }
  const keys = Object.keys(c);
  const combinators = keys.filter((k) => k === 'all' || k === 'any' || k === 'not');
  if (combinators.length > 0) {
    if (keys.length !== 1) {
      bad(
        path,
        `a combinator object holds exactly one of all/any/not and nothing else (found ${keys.join(', ')})`,
      );
      return;
    }
    const k = combinators[0]!;
    if (k === 'not') {
      checkCondition(c.not, `${path}.not`, at, vocab, out);
      return;
    }
    const list = c[k];
    if (!Array.isArray(list) || list.length === 0) {
      bad(`${path}.${k}`, `${k} takes a non-empty list of conditions`);
      return;
    }
    list.forEach((x, i) => checkCondition(x, `${path}.${k}[${i}]`, at, vocab, out));
    return;
  }
  const extra = keys.filter((k) => !CONDITION_KEYS.has(k));
  if (extra.length)
    bad(
      path,
      `unknown key(s) ${extra.map((k) => `"${k}"`).join(', ')}; a condition has fact, op, value, label`,
    );
  if (c.label !== undefined && typeof c.label !== 'string') bad(`${path}.label`, 'label is text');
  if (typeof c.fact !== 'string') {
    bad(`${path}.fact`, 'fact is required: a profile fact key such as female.age (see src/domain/facts.ts)');
    return;
  }
  const fact = c.fact;
  if (!isKnownFact(fact, (id) => vocab.isAnalyte(id))) {
    const hint = nearestFact(fact);
    out.push(
      issue('kb-fact-unknown', `"${fact}" is not a profile fact${hint ? ` (did you mean "${hint}"?)` : ''}`, {
        path: at(`${path}.fact`),
      }),
    );
    return;
  }
  const def = factDefinition(fact)!;
  const op = c.op;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    bad(`${path}.op`, `op must be one of ${OPS.join(', ')}`);
    return;
  }
  if (!OPS_FOR[def.type].includes(op as Op)) {
    bad(
      `${path}.op`,
      `"${op}" does not apply to ${fact}, a ${def.type} fact (use ${OPS_FOR[def.type].join(', ')})`,
    );
    return;
  }
  const v = c.value;
  const fits = (x: unknown): string | null => {
    if (typeof x !== def.type)
      return `${JSON.stringify(x)} is not a ${def.type} (${fact} is a ${def.type} fact)`;
    if (def.type === 'string' && def.values && !def.values.includes(x as string)) {
      return `"${String(x)}" is not a value of ${fact} (${def.values.join(', ')})`;
    }
    const cls = classificationOf(fact);
    if (cls && !isClassificationValue(cls, x as string)) {
      const allowed = CLASSIFICATION_VALUES[cls];
      const list =
        allowed instanceof RegExp
          ? 'normozoospermia, azoospermia, or oligo/astheno/terato…zoospermia'
          : allowed.join(', ');
      return `"${String(x)}" is not a value of ${fact} (${list})`;
    }
    return null;
  };
  switch (op as Op) {
    case 'exists':
      if (v !== undefined) bad(`${path}.value`, 'exists takes no value: it is true when the fact is known');
      return;
    case 'eq':
    case 'ne':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      if (v === undefined || Array.isArray(v)) {
        bad(`${path}.value`, `${op} takes one value`);
        return;
      }
      const p = fits(v);
      if (p) bad(`${path}.value`, p);
      return;
    }
    case 'in':
    case 'nin': {
      if (!Array.isArray(v) || v.length === 0) {
        bad(`${path}.value`, `${op} takes a non-empty list of values`);
        return;
      }
      v.forEach((x, i) => {
        const p = fits(x);
        if (p) bad(`${path}.value[${i}]`, p);
      });
      return;
    }
    case 'between': {
      if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number') {
        bad(`${path}.value`, 'between takes [low, high], two numbers (inclusive)');
        return;
      }
      if (v[0] > v[1]) bad(`${path}.value`, `between [${v[0]}, ${v[1]}]: low is above high`);
      return;
    }
  }
}

/** `class.poseidon` → `poseidon` when it is a classification id (its values live in domain/profile). */
function classificationOf(fact: string): ClassificationId | null {
  if (!fact.startsWith('class.')) return null;
  const id = fact.slice(6);
  return (CLASSIFICATION_IDS as readonly string[]).includes(id) ? (id as ClassificationId) : null;
}

function nearestFact(key: string): string | null {
  let best: string | null = null;
  let bestD = Math.max(3, Math.floor(key.length / 4)) + 1;
  for (const k of Object.keys(FACTS)) {
    const d = editDistance(key, k, bestD);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

/** Levenshtein distance, giving up early (returning `cap`) once it cannot beat `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const x = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(x);
      if (x < rowMin) rowMin = x;
    }
    if (rowMin >= cap) return cap;
    prev = cur;
  }
  return prev[b.length]!;
}

// ---------------------------------------------------------------------------------------------
// Supersession across entries

function checkSupersession(
  known: Map<string, { path: string; status: unknown; supersedes: string[] }>,
): Issue[] {
  const out: Issue[] = [];
  const supersededBy = new Map<string, string[]>();
  for (const [id, e] of known) {
    e.supersedes.forEach((target, i) => {
      const path = `${e.path}#supersedes[${i}]`;
      if (target === id) {
        out.push(issue('kb-supersedes-broken', `"${id}" supersedes itself`, { path }));
        return;
      }
      const t = known.get(target);
      if (!t) {
        out.push(issue('kb-supersedes-broken', `supersedes "${target}", which is not in the bank`, { path }));
        return;
      }
      supersededBy.set(target, [...(supersededBy.get(target) ?? []), id]);
      if (e.status === 'published' && t.status === 'published') {
        out.push(
          issue(
            'kb-supersedes-published',
            `published "${id}" supersedes "${target}", which is still published; set its status to superseded (${t.path})`,
            { path },
          ),
        );
      }
    });
  }
  for (const [id, e] of known) {
    if (e.status === 'superseded' && !supersededBy.has(id)) {
      out.push(
        issue('kb-superseded-orphan', `"${id}" is marked superseded but no entry lists it in supersedes`, {
          path: `${e.path}#status`,
        }),
      );
    }
  }
  // Cycles (a supersedes b supersedes a) make "which one is current" unanswerable.
  const state = new Map<string, 1 | 2>();
  const reported = new Set<string>();
  const visit = (id: string, stack: string[]): void => {
    state.set(id, 1);
    for (const t of known.get(id)?.supersedes ?? []) {
      if (t === id || !known.has(t)) continue;
      if (state.get(t) === 1) {
        const cycle = [...stack.slice(stack.indexOf(t)), t];
        const key = [...cycle].sort().join(' ');
        if (!reported.has(key)) {
          reported.add(key);
          out.push(
            issue('kb-supersedes-broken', `supersession cycle: ${cycle.join(' → ')}`, {
              path: `${known.get(id)!.path}#supersedes`,
            }),
          );
        }
      } else if (!state.has(t)) visit(t, [...stack, t]);
    }
    state.set(id, 2);
  };
  for (const id of known.keys()) if (!state.has(id)) visit(id, [id]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Imported documents

function checkDocuments(documents: LoadedBank['documents'], out: Issue[]): ValidDocument[] {
  const valid: ValidDocument[] = [];
  for (const doc of documents) {
    const before = out.filter((i) => i.severity === 'error').length;
    if (doc.meta === undefined) {
      out.push(
        issue('kb-document-invalid', 'document.yaml is missing or unreadable', { path: doc.metaPath }),
      );
      continue;
    }
    const meta = DocumentMetaSchema.safeParse(doc.meta);
    if (!meta.success) {
      for (const zi of meta.error.issues) {
        const p = zodPath(zi.path);
        const code = p.startsWith('source') ? 'kb-source-incomplete' : 'kb-document-invalid';
        out.push(issue(code, zodMessage(zi), { path: `${doc.metaPath}#${p}` }));
      }
      continue;
    }
    const m = meta.data;
    if (m.docId !== doc.docId) {
      out.push(
        issue('kb-document-invalid', `docId "${m.docId}" differs from the folder name "${doc.docId}"`, {
          path: `${doc.metaPath}#docId`,
        }),
      );
    }
    if (!sourceIsComplete(m.source)) {
      out.push(issue('kb-source-incomplete', 'source lacks url or doi', { path: `${doc.metaPath}#source` }));
    }
    if (doc.chunks.length !== m.chunks) {
      out.push(
        issue(
          'kb-document-invalid',
          `document.yaml says ${m.chunks} chunks, chunks.jsonl has ${doc.chunks.length}`,
          {
            path: `${doc.metaPath}#chunks`,
          },
        ),
      );
    }
    const seen = new Set<string>();
    const chunks = [];
    for (const cl of doc.chunks) {
      const where = `${doc.chunksPath}:${cl.line}`;
      const r = ChunkLineSchema.safeParse(cl.data);
      if (!r.success) {
        for (const zi of r.error.issues) {
          out.push(issue('kb-document-invalid', zodMessage(zi), { path: `${where}#${zodPath(zi.path)}` }));
        }
        continue;
      }
      const c = r.data;
      if (!c.id.startsWith(`${m.docId}#`)) {
        out.push(
          issue('kb-document-invalid', `chunk id "${c.id}" does not start with "${m.docId}#"`, {
            path: `${where}#id`,
          }),
        );
      }
      if (seen.has(c.id)) {
        out.push(issue('kb-duplicate-id', `chunk id "${c.id}" appears twice`, { path: `${where}#id` }));
      }
      if (c.parentId !== null && !seen.has(c.parentId)) {
        out.push(
          issue('kb-document-invalid', `parentId "${c.parentId}" is not an earlier chunk of this document`, {
            path: `${where}#parentId`,
          }),
        );
      }
      seen.add(c.id);
      chunks.push(toDocumentChunk(m.docId, m.source, c));
    }
    if (out.filter((i) => i.severity === 'error').length === before)
      valid.push({ docId: m.docId, meta: m, chunks });
  }
  return valid;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCalendarDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number | undefined];
  if (m < 1 || m > 12) return false;
  if (d === undefined) return true;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** `['source', 'year']` → `source.year`; `['concepts', 2]` → `concepts[2]`. */
export function zodPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/** A zod issue in words a curator understands (a missing field says so, unknown keys are named). */
function zodMessage(zi: z.core.$ZodIssue): string {
  if (zi.code === 'unrecognized_keys') {
    return `unknown field(s) ${zi.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (zi.code === 'invalid_type' && / received undefined$/.test(zi.message)) {
    return `required field is missing (expected ${zi.expected})`;
  }
  return zi.message;
}
