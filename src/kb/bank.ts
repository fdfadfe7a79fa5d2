/**
 * @module kb/bank
 * Versioned, hot-swappable knowledge: a `KnowledgeSnapshot` is an immutable view of one validated
 * bank (published entries and imported chunks only) named by a content hash; a `KnowledgeBank`
 * holds the current snapshot and replaces it atomically on `reload`.
 *
 * Why a content hash: the version reported in every answer must change exactly when what can be
 * served changes — not when a file is reformatted, reordered, or a draft is edited. The hash is
 * SHA-256 over canonical JSON (sorted keys, schema defaults applied) of the published entries sorted
 * by id and of the chunks sorted by id.
 *
 * Why a single reference swap: an answer in flight keeps the snapshot object it started with, so it
 * never mixes two versions; the next call to `current()` sees the new one.
 */
import { createHash } from 'node:crypto';
import type { DocumentChunk, EntryStatus, KnowledgeEntry } from '../domain/knowledge.js';
import { IssueError, issue, type Issue } from '../domain/issues.js';
import type { Source } from '../domain/source.js';
import type { ValidDocument } from './document.js';
import { loadBank, type LoadOptions, type LoadedBank } from './load.js';
import { validateBank, validateEntries, type ValidateOptions, type ValidationReport } from './validate.js';

/** Summary of one imported document inside a snapshot. */
export interface SnapshotDocument {
  docId: string;
  title: string;
  source: Source;
  chunks: number;
}

/** An immutable, validated view of the bank: what the answer engine may serve. */
export interface KnowledgeSnapshot {
  /** `sha256:<hex>` over the canonical JSON of the published entries and the chunks. */
  readonly version: string;
  /** Published entries only, sorted by id. Draft, reviewed, superseded and withdrawn are never served. */
  readonly entries: readonly KnowledgeEntry[];
  /** Chunks of imported documents, sorted by id (parents before children within a document). */
  readonly chunks: readonly DocumentChunk[];
  /** Published entries by id. */
  readonly byId: ReadonlyMap<string, KnowledgeEntry>;
  /** Chunks by id (for parent look-ups when packing context). */
  readonly chunkById: ReadonlyMap<string, DocumentChunk>;
  /**
   * Ids no longer served → the published entries that supersede them (empty for a withdrawn entry,
   * or a superseded one whose successor is not published yet). Lets an audit explain an old citation.
   */
  readonly retired: ReadonlyMap<string, { status: EntryStatus; supersededBy: string[] }>;
  readonly documents: readonly SnapshotDocument[];
  /** ISO time the snapshot was built. */
  readonly loadedAt: string;
  /** Where it came from: a directory, `git:REV`, or `entries`. */
  readonly origin: string;
  readonly counts: {
    /** All entries in the bank, any status. */
    entries: number;
    published: number;
    byStatus: Record<EntryStatus, number>;
    documents: number;
    chunks: number;
  };
  /** Warnings of the validation that admitted this snapshot (e.g. review dates passed). */
  readonly warnings: readonly Issue[];
}

/** Deterministic JSON: object keys sorted, `undefined` dropped, arrays in order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

const byIdOrder = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The knowledge version of a set of published entries and chunks (order-independent). */
export function computeVersion(
  published: readonly KnowledgeEntry[],
  chunks: readonly DocumentChunk[],
): string {
  const h = createHash('sha256');
  h.update('fertility-kb/1\n');
  for (const e of [...published].sort(byIdOrder)) h.update(`e ${canonicalJson(e)}\n`);
  for (const c of [...chunks].sort(byIdOrder)) h.update(`c ${canonicalJson(c)}\n`);
  return `sha256:${h.digest('hex')}`;
}

/**
 * Build a snapshot from a validation report. Does not check `report.ok`: callers decide whether an
 * invalid bank may be summarised (`kb stats`) or must be refused (`KnowledgeBank.reload`).
 */
export function buildSnapshot(report: ValidationReport, origin: string): KnowledgeSnapshot {
  const all = report.entries.map((v) => v.entry);
  const published = all.filter((e) => e.status === 'published').sort(byIdOrder);
  const chunks = report.documents.flatMap((d) => d.chunks).sort(byIdOrder);
  const byStatus: Record<EntryStatus, number> = {
    draft: 0,
    reviewed: 0,
    published: 0,
    superseded: 0,
    withdrawn: 0,
  };
  for (const e of all) byStatus[e.status]++;
  const retired = new Map<string, { status: EntryStatus; supersededBy: string[] }>();
  for (const e of all)
    if (e.status === 'superseded' || e.status === 'withdrawn')
      retired.set(e.id, { status: e.status, supersededBy: [] });
  for (const e of published) for (const t of e.supersedes) retired.get(t)?.supersededBy.push(e.id);
  return Object.freeze({
    version: computeVersion(published, chunks),
    entries: Object.freeze(published),
    chunks: Object.freeze(chunks),
    byId: new Map(published.map((e) => [e.id, e])),
    chunkById: new Map(chunks.map((c) => [c.id, c])),
    retired,
    documents: Object.freeze(report.documents.map(documentSummary)),
    loadedAt: new Date().toISOString(),
    origin,
    counts: {
      entries: report.checked.entries,
      published: published.length,
      byStatus,
      documents: report.documents.length,
      chunks: chunks.length,
    },
    warnings: Object.freeze(report.issues.filter((i) => i.severity !== 'error')),
  });
}

function documentSummary(d: ValidDocument): SnapshotDocument {
  return { docId: d.docId, title: d.meta.title, source: d.meta.source, chunks: d.chunks.length };
}

/** Validate in-memory entries and build their snapshot; throws `IssueError` (kb-rejected first) when invalid. */
export function snapshotFromEntries(
  entries: readonly unknown[],
  opts: ValidateOptions = {},
): KnowledgeSnapshot {
  const report = validateEntries(entries, opts);
  if (!report.ok) throw new IssueError(rejection(report, 'entries'));
  return buildSnapshot(report, 'entries');
}

/**
 * What `reload` takes: a bank directory, a bank already read (`loadBank`, `loadGitRevision`), or
 * entries (tests, a version read from a database) with, optionally, imported documents in their
 * on-disk shape (`document.yaml` parsed as `meta`, `chunks.jsonl` lines as `chunks`).
 */
export type BankSource =
  string | LoadedBank | { entries: readonly unknown[]; documents?: LoadedBank['documents']; origin?: string };

/** Outcome of `reload`. On refusal the previous snapshot keeps serving. */
export type ReloadResult =
  | { ok: true; snapshot: KnowledgeSnapshot; changed: boolean; issues: Issue[] }
  | { ok: false; issues: Issue[]; serving: string | null };

/**
 * Called with a candidate snapshot before it becomes current (e.g. to build a search index for it;
 * keep per-snapshot state in a `WeakMap<KnowledgeSnapshot, …>`). Throwing refuses the swap.
 */
export type BuildHook = (snapshot: KnowledgeSnapshot) => void | Promise<void>;
/** Called after a swap, with the new and the previous snapshot. Errors are the listener's own. */
export type SwapListener = (next: KnowledgeSnapshot, previous: KnowledgeSnapshot | null) => void;

export interface KnowledgeBankOptions {
  validate?: ValidateOptions;
  load?: LoadOptions;
}

/** Holder of the current snapshot; `reload` validates, builds, runs hooks and swaps atomically. */
export class KnowledgeBank {
  #current: KnowledgeSnapshot | null = null;
  readonly #hooks: BuildHook[] = [];
  readonly #listeners: SwapListener[] = [];
  readonly #opts: KnowledgeBankOptions;
  // Reloads run one after another in call order, so a slow early reload cannot overwrite a later one.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: KnowledgeBankOptions = {}) {
    this.#opts = opts;
  }

  /** A bank serving `entries` (tests; versions read from a database). Throws `IssueError` when invalid. */
  static async fromEntries(
    entries: readonly unknown[],
    opts: KnowledgeBankOptions = {},
  ): Promise<KnowledgeBank> {
    const bank = new KnowledgeBank(opts);
    const r = await bank.reload({ entries });
    if (!r.ok) throw new IssueError(r.issues);
    return bank;
  }

  /** A bank serving the directory `dir`. Throws `IssueError` when the bank is invalid. */
  static async fromDirectory(dir: string, opts: KnowledgeBankOptions = {}): Promise<KnowledgeBank> {
    const bank = new KnowledgeBank(opts);
    const r = await bank.reload(dir);
    if (!r.ok) throw new IssueError(r.issues);
    return bank;
  }

  /** The snapshot to answer with. Take it once per request and use that object throughout. */
  current(): KnowledgeSnapshot {
    if (!this.#current) throw new Error('knowledge bank: no version loaded yet (call reload first)');
    return this.#current;
  }

  /** The current snapshot, or null before the first successful load. */
  currentOrNull(): KnowledgeSnapshot | null {
    return this.#current;
  }

  /** Register a build hook (see `BuildHook`); returns a function that removes it. */
  onBuild(hook: BuildHook): () => void {
    this.#hooks.push(hook);
    return () => {
      const i = this.#hooks.indexOf(hook);
      if (i >= 0) this.#hooks.splice(i, 1);
    };
  }

  /** Register a swap listener; returns a function that removes it. */
  onSwap(listener: SwapListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /**
   * Load, validate, build and swap. A bank that fails validation, or whose build hooks throw, is
   * refused with `kb-rejected` and the previous snapshot keeps serving. When the content hash is
   * unchanged the current snapshot object is kept and hooks are not re-run.
   */
  reload(from: BankSource): Promise<ReloadResult> {
    const run = this.#queue.then(() => this.#reload(from));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #reload(from: BankSource): Promise<ReloadResult> {
    const serving = this.#current?.version ?? null;
    let report: ValidationReport;
    let origin: string;
    try {
      if (typeof from === 'string') {
        report = validateBank(loadBank(from, this.#opts.load), this.#opts.validate);
        origin = from;
      } else if (isLoadedBank(from)) {
        report = validateBank(from, this.#opts.validate);
        origin = from.origin;
      } else {
        report = validateEntries(from.entries, this.#opts.validate, from.documents ?? []);
        origin = from.origin ?? 'entries';
      }
    } catch (e) {
      return {
        ok: false,
        serving,
        issues: [issue('kb-rejected', `cannot read the bank: ${(e as Error).message}`)],
      };
    }
    if (!report.ok) return { ok: false, serving, issues: rejection(report, origin) };
    const next = buildSnapshot(report, origin);
    const warnings = report.issues.filter((i) => i.severity !== 'error');
    if (this.#current && this.#current.version === next.version) {
      return { ok: true, snapshot: this.#current, changed: false, issues: warnings };
    }
    for (const hook of [...this.#hooks]) {
      try {
        await hook(next);
      } catch (e) {
        return {
          ok: false,
          serving,
          issues: [issue('kb-rejected', `a build hook failed for ${next.version}: ${(e as Error).message}`)],
        };
      }
    }
    const previous = this.#current;
    this.#current = next; // the swap: one reference assignment
    for (const l of [...this.#listeners]) l(next, previous);
    return { ok: true, snapshot: next, changed: true, issues: warnings };
  }
}

function isLoadedBank(x: Exclude<BankSource, string>): x is LoadedBank {
  return 'stats' in x && 'issues' in x;
}

function rejection(report: ValidationReport, origin: string): Issue[] {
  const errors = report.issues.filter((i) => i.severity === 'error');
  return [
    issue(
      'kb-rejected',
      `${origin}: ${errors.length} validation error(s); the previous version keeps serving`,
      {
        details: { errors: errors.length },
      },
    ),
    ...errors,
  ];
}
