/**
 * @module kb/diff
 * `fertility kb diff A B`: what changed in the bank between two versions, where each side is a
 * directory or a git revision (`HEAD~1`, a tag, a commit; `REV:path` for a bank elsewhere than
 * `knowledge/`). A revision is read with `git ls-tree` and `git cat-file --batch`, without a checkout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { KnowledgeEntrySchema, type EntryStatus } from '../domain/knowledge.js';
import { buildSnapshot, canonicalJson } from './bank.js';
import { loadBank, loadBankFromFiles, type BankTextFile, type LoadedBank } from './load.js';
import { validateBank, type ValidateOptions } from './validate.js';

/** One side of a diff, as resolved. */
export interface DiffSide {
  ref: string;
  kind: 'directory' | 'git';
  version: string;
  entries: number;
  valid: boolean;
}

export interface BankDiff {
  from: DiffSide;
  to: DiffSide;
  added: Array<{ id: string; status: string }>;
  removed: Array<{ id: string; status: string }>;
  /** Entries present on both sides whose content differs, with the top-level fields that changed. */
  changed: Array<{ id: string; fields: string[]; status: { from: string; to: string } | null }>;
  /** Entries that became superseded, and the entries (on side B) that name them in `supersedes`. */
  superseded: Array<{ id: string; by: string[] }>;
  withdrawn: string[];
  /** Entries that became published (new ones included): what `to` serves and `from` did not. */
  published: string[];
  documents: { added: string[]; removed: string[]; changed: string[] };
}

/** Thrown when a side is neither a directory nor a git revision. */
export class DiffRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffRefError';
  }
}

export interface DiffOptions {
  validate?: ValidateOptions;
  /** Repository to resolve revisions in (default: the cwd's). */
  cwd?: string;
  /** Bank folder inside the repository for a bare revision (default `knowledge`). */
  bankPath?: string;
  cache?: boolean;
}

/** Load one side: a directory if one exists at `ref`, else a git revision. */
export function loadSide(ref: string, opts: DiffOptions = {}): { bank: LoadedBank; kind: DiffSide['kind'] } {
  const cwd = opts.cwd ?? process.cwd();
  const asDir = resolve(cwd, ref);
  if (existsSync(asDir) && statSync(asDir).isDirectory()) {
    return { bank: loadBank(asDir, { cache: opts.cache ?? false, label: (r) => r }), kind: 'directory' };
  }
  return { bank: loadGitRevision(ref, opts), kind: 'git' };
}

/** Read a bank at a git revision: `REV` (the `knowledge/` folder) or `REV:path/to/bank`. */
export function loadGitRevision(ref: string, opts: DiffOptions = {}): LoadedBank {
  const cwd = opts.cwd ?? process.cwd();
  const git = (args: string[], input?: string): Buffer => {
    try {
      return execFileSync('git', args, {
        cwd,
        input,
        maxBuffer: 1024 * 1024 * 1024,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      const msg = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0] ?? (e as Error).message;
      throw new DiffRefError(`${ref}: not a directory, and git says: ${msg}`);
    }
  };
  // A ref that starts with "-" would be read by git as an option.
  if (ref.startsWith('-')) throw new DiffRefError(`${ref}: not a directory or a git revision`);
  const colon = ref.indexOf(':');
  const rev = colon >= 0 ? ref.slice(0, colon) : ref;
  let bankPath = colon >= 0 ? ref.slice(colon + 1) : (opts.bankPath ?? defaultBankPath(cwd, git));
  bankPath = bankPath.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  const commit = git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
    .toString()
    .trim();
  const listing = git(['ls-tree', '-r', '-z', '--name-only', commit, '--', `${bankPath}/`]).toString();
  const paths = listing.split('\0').filter((p) => p.length > 0);
  const files: BankTextFile[] = [];
  if (paths.length) {
    const out = git(['cat-file', '--batch'], paths.map((p) => `${commit}:${p}`).join('\n') + '\n');
    let off = 0;
    for (const p of paths) {
      const nl = out.indexOf(0x0a, off);
      const header = out.subarray(off, nl).toString();
      const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
      if (!m) throw new DiffRefError(`${ref}: git cat-file could not read ${p} (${header})`);
      const size = Number(m[2]);
      const body = out.subarray(nl + 1, nl + 1 + size);
      off = nl + 1 + size + 1; // content is followed by a newline
      if (m[1] !== 'blob') continue;
      files.push({ rel: p.slice(bankPath.length + 1), text: body.toString('utf8') });
    }
  }
  return loadBankFromFiles(files, {
    origin: `git:${rev}:${bankPath}`,
    cache: opts.cache ?? false,
    label: (r) => `${rev}:${bankPath}/${r}`,
  });
}

// The bundled bank's path inside the repository, so that `kb diff HEAD~1 knowledge` compares like
// with like when run from a subfolder.
function defaultBankPath(cwd: string, git: (a: string[]) => Buffer): string {
  const top = git(['rev-parse', '--show-toplevel']).toString().trim();
  const rel = relative(top, resolve(cwd, 'knowledge')).split('\\').join('/');
  return rel.startsWith('..') ? 'knowledge' : rel;
}

/** Compare two loaded banks. */
export function diffBanks(
  a: { ref: string; kind: DiffSide['kind']; bank: LoadedBank },
  b: { ref: string; kind: DiffSide['kind']; bank: LoadedBank },
  opts: DiffOptions = {},
): BankDiff {
  const side = (s: typeof a) => {
    const report = validateBank(s.bank, opts.validate ?? {});
    const snap = buildSnapshot(report, s.bank.origin);
    const entries = entryMap(s.bank);
    const info: DiffSide = {
      ref: s.ref,
      kind: s.kind,
      version: snap.version,
      entries: entries.size,
      valid: report.ok,
    };
    const docs = new Map(report.documents.map((d) => [d.docId, canonicalJson(d.chunks)]));
    return { info, entries, docs };
  };
  const A = side(a);
  const B = side(b);
  const status = (x: Record<string, unknown> | undefined): string =>
    typeof x?.status === 'string' ? x.status : '?';
  const out: BankDiff = {
    from: A.info,
    to: B.info,
    added: [],
    removed: [],
    changed: [],
    superseded: [],
    withdrawn: [],
    published: [],
    documents: { added: [], removed: [], changed: [] },
  };
  for (const [id, e] of B.entries) if (!A.entries.has(id)) out.added.push({ id, status: status(e) });
  for (const [id, e] of A.entries) if (!B.entries.has(id)) out.removed.push({ id, status: status(e) });
  for (const [id, eb] of B.entries) {
    const ea = A.entries.get(id);
    if (!ea) continue;
    const keys = [...new Set([...Object.keys(ea), ...Object.keys(eb)])].sort();
    const fields = keys.filter((k) => canonicalJson(ea[k]) !== canonicalJson(eb[k]));
    if (fields.length) {
      const sa = status(ea);
      const sb = status(eb);
      out.changed.push({ id, fields, status: sa !== sb ? { from: sa, to: sb } : null });
    }
  }
  const becomes = (s: EntryStatus): string[] =>
    [...B.entries]
      .filter(([id, e]) => status(e) === s && status(A.entries.get(id)) !== s)
      .map(([id]) => id)
      .sort();
  out.superseded = becomes('superseded').map((id) => ({
    id,
    by: [...B.entries]
      .filter(([, e]) => Array.isArray(e.supersedes) && (e.supersedes as unknown[]).includes(id))
      .map(([sid]) => sid)
      .sort(),
  }));
  out.withdrawn = becomes('withdrawn');
  out.published = becomes('published');
  for (const d of B.docs.keys()) if (!A.docs.has(d)) out.documents.added.push(d);
  for (const d of A.docs.keys()) if (!B.docs.has(d)) out.documents.removed.push(d);
  for (const [d, c] of B.docs) if (A.docs.has(d) && A.docs.get(d) !== c) out.documents.changed.push(d);
  const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  out.added.sort(byId);
  out.removed.sort(byId);
  out.changed.sort(byId);
  return out;
}

/** Entries by id: schema-parsed (defaults applied) when valid, raw otherwise, so a broken file still diffs. */
function entryMap(bank: LoadedBank): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  for (const f of bank.entries) {
    const d = f.data;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) continue;
    const rec = d as Record<string, unknown>;
    if (typeof rec.id !== 'string' || m.has(rec.id)) continue;
    const parsed = KnowledgeEntrySchema.safeParse(rec);
    m.set(rec.id, parsed.success ? (parsed.data as Record<string, unknown>) : rec);
  }
  return m;
}

/** Resolve both sides and diff them. Throws `DiffRefError` for a side that cannot be read. */
export function diffRefs(a: string, b: string, opts: DiffOptions = {}): BankDiff {
  const A = loadSide(a, opts);
  const B = loadSide(b, opts);
  return diffBanks({ ref: a, ...A }, { ref: b, ...B }, opts);
}

/** Human-readable diff. */
export function formatDiff(d: BankDiff): string {
  const lines = [
    `from ${d.from.ref} (${d.from.kind}) ${d.from.version}${d.from.valid ? '' : ' [invalid]'}, ${d.from.entries} entries`,
    `to   ${d.to.ref} (${d.to.kind}) ${d.to.version}${d.to.valid ? '' : ' [invalid]'}, ${d.to.entries} entries`,
  ];
  if (d.from.version === d.to.version) lines.push('served content identical (same version)');
  const section = (title: string, items: string[]): void => {
    if (!items.length) return;
    lines.push('', `${title} (${items.length})`, ...items.map((s) => `  ${s}`));
  };
  section(
    'added',
    d.added.map((e) => `${e.id} [${e.status}]`),
  );
  section(
    'removed',
    d.removed.map((e) => `${e.id} [${e.status}]`),
  );
  section(
    'changed',
    d.changed.map(
      (c) => `${c.id}: ${c.fields.join(', ')}${c.status ? ` (${c.status.from} → ${c.status.to})` : ''}`,
    ),
  );
  section(
    'superseded',
    d.superseded.map((s) => `${s.id}${s.by.length ? ` by ${s.by.join(', ')}` : ' (no entry names it)'}`),
  );
  section('withdrawn', d.withdrawn);
  section('newly published', d.published);
  section('documents added', d.documents.added);
  section('documents removed', d.documents.removed);
  section('documents changed', d.documents.changed);
  if (lines.length === 2 || (lines.length === 3 && d.from.version === d.to.version))
    lines.push('no entry changed');
  return lines.join('\n');
}
