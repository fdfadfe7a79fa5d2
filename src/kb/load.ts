/**
 * @module kb/load
 * Reads a knowledge-bank directory into memory without judging it: entry files
 * (`<topic>/<id>.yaml`, one entry per file) and imported documents
 * (`documents/<docId>/document.yaml` + `chunks.jsonl`). Syntax errors become `kb-parse` issues
 * naming the file and line; everything else is `kb/validate`'s job.
 *
 * Speed: the `yaml` parser costs ~0.2 ms for a typical entry, so 10,000 entries take ~2 s to parse.
 * An optional parse cache keyed by the SHA-256 of each file's bytes (not its mtime, which a git
 * checkout or a copy can leave unchanged while the content changes) holds the parsed JSON; it
 * saves only the YAML parse — every entry is still schema-validated on every load.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { issue, type Issue } from '../domain/issues.js';
import { PROJECT_ROOT } from '../paths.js';

/** One entry file, parsed but not validated. `data` is undefined when the file did not parse. */
export interface EntryFile {
  /** Label for issue paths: the file path as a person would type it (relative to the cwd when inside it). */
  path: string;
  /** Path inside the bank directory with `/` separators, e.g. `ivf/nice-cg156-three-cycles.yaml`. */
  rel: string;
  /** File name without extension; must equal the entry id. */
  stem: string;
  /** First folder under the bank directory (the topic), or `""` for a file at the root. */
  topic: string;
  data: unknown;
}

/** One chunk line of `chunks.jsonl`, parsed but not validated. */
export interface ChunkLine {
  line: number;
  data: unknown;
}

/** An imported document folder, parsed but not validated. */
export interface DocumentFiles {
  /** The folder name, which must equal `docId` in `document.yaml`. */
  docId: string;
  /** Label of `document.yaml` for issue paths. */
  metaPath: string;
  /** Label of `chunks.jsonl` for issue paths. */
  chunksPath: string;
  /** Parsed `document.yaml`, undefined when missing or unparseable. */
  meta: unknown;
  chunks: ChunkLine[];
}

/** A bank as read from disk (or from a git revision): the raw material for validation. */
export interface LoadedBank {
  /** Where it came from, for messages (a directory or `git:REV`). */
  origin: string;
  entries: EntryFile[];
  documents: DocumentFiles[];
  /** `kb-parse` and layout problems found while reading. */
  issues: Issue[];
  stats: { files: number; parsed: number; cacheHits: number };
}

/** A file of the bank as text, for loading from something other than a directory (git). */
export interface BankTextFile {
  /** Path inside the bank directory with `/` separators. */
  rel: string;
  text: string;
}

export interface LoadOptions {
  /**
   * Parse cache: `true` (default location), a directory, or `false`. Default: the
   * `FERTILITY_KB_CACHE` environment variable (`off` disables, any other value is a directory),
   * else `node_modules/.cache/fertility-kb` in the project.
   */
  cache?: boolean | string;
  /** How to label files in issue paths; default relative to the cwd. */
  label?: (rel: string) => string;
}

/** Thrown when the bank directory itself cannot be read (not for problems inside files). */
export class BankNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BankNotFoundError';
  }
}

const DOCUMENTS = 'documents';
const ENTRY_EXT = /\.ya?ml$/;

/** Read a bank directory. Throws `BankNotFoundError` if `dir` is not a readable directory. */
export function loadBank(dir: string, opts: LoadOptions = {}): LoadedBank {
  const abs = resolve(dir);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new BankNotFoundError(`${dir}: no such directory`);
  }
  if (!st.isDirectory()) throw new BankNotFoundError(`${dir}: not a directory`);
  const files: BankTextFile[] = [];
  for (const rel of listFiles(abs))
    files.push({ rel, text: readFileSync(join(abs, ...rel.split('/')), 'utf8') });
  const label = opts.label ?? ((rel: string) => displayPath(join(abs, ...rel.split('/'))));
  return loadBankFromFiles(files, { ...opts, label, origin: dir });
}

/** Files of a bank directory, relative, sorted; hidden files and folders are skipped. */
export function listFiles(abs: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      if (ent.name.startsWith('.') || ent.name === 'node_modules') continue;
      const rel = prefix ? `${prefix}/${ent.name}` : ent.name;
      // Symlinks are not followed: a bank is the reviewed files in this tree, nothing pulled in from elsewhere.
      if (ent.isDirectory()) walk(join(d, ent.name), rel);
      else if (ent.isFile()) out.push(rel);
    }
  };
  walk(abs, '');
  return out.sort();
}

/** Parse a bank given as text files (used for directories and for git revisions). */
export function loadBankFromFiles(
  files: readonly BankTextFile[],
  opts: LoadOptions & { origin: string },
): LoadedBank {
  const label = opts.label ?? ((rel: string) => rel);
  const cache = openCache(opts.cache, opts.origin);
  const issues: Issue[] = [];
  const entries: EntryFile[] = [];
  const docs = new Map<string, DocumentFiles>();
  let parsed = 0;
  let hits = 0;
  const parseYaml = (text: string, path: string): unknown => {
    const hash = cache ? sha256(text) : '';
    if (cache && cache.has(hash)) {
      hits++;
      return cache.get(hash);
    }
    parsed++;
    const r = parseYamlText(text, path);
    if (r.issue) {
      issues.push(r.issue);
      return undefined;
    }
    cache?.set(hash, r.data);
    return r.data;
  };

  for (const f of [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))) {
    const parts = f.rel.split('/');
    const path = label(f.rel);
    if (parts[0] === DOCUMENTS) {
      if (parts.length !== 3) {
        if (ENTRY_EXT.test(f.rel) || f.rel.endsWith('.jsonl')) {
          issues.push(
            issue(
              'kb-document-invalid',
              'imported documents live in documents/<docId>/document.yaml and chunks.jsonl',
              {
                path,
              },
            ),
          );
        }
        continue;
      }
      const docId = parts[1]!;
      const doc = docs.get(docId) ?? {
        docId,
        metaPath: label(`${DOCUMENTS}/${docId}/document.yaml`),
        chunksPath: label(`${DOCUMENTS}/${docId}/chunks.jsonl`),
        meta: undefined,
        chunks: [],
      };
      docs.set(docId, doc);
      if (parts[2] === 'document.yaml') doc.meta = parseYaml(f.text, path);
      else if (parts[2] === 'chunks.jsonl') doc.chunks = parseJsonLines(f.text, path, issues);
      else if (ENTRY_EXT.test(f.rel) || f.rel.endsWith('.jsonl')) {
        issues.push(
          issue('kb-document-invalid', `unexpected file in a document folder: ${parts[2]}`, { path }),
        );
      }
      continue;
    }
    if (!ENTRY_EXT.test(f.rel)) continue; // README.md and other notes live beside entries
    entries.push({
      path,
      rel: f.rel,
      stem: parts[parts.length - 1]!.replace(ENTRY_EXT, ''),
      topic: parts.length > 1 ? parts[0]! : '',
      data: parseYaml(f.text, path),
    });
  }
  cache?.save();
  return {
    origin: opts.origin,
    entries,
    documents: [...docs.values()],
    issues,
    stats: { files: files.length, parsed, cacheHits: hits },
  };
}

/** Parse one YAML text; a syntax error becomes a `kb-parse` issue with the line and column. */
export function parseYamlText(text: string, path: string): { data?: unknown; issue?: Issue } {
  // uniqueKeys: a key written twice is almost always an editing slip whose first value would be lost.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : '';
    const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { issue: issue('kb-parse', `YAML: ${msg}`, { path: `${path}${where}` }) };
  }
  try {
    return { data: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (e) {
    return { issue: issue('kb-parse', `YAML: ${(e as Error).message}`, { path }) };
  }
}

function parseJsonLines(text: string, path: string, issues: Issue[]): ChunkLine[] {
  const out: ChunkLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (!l) continue;
    try {
      out.push({ line: i + 1, data: JSON.parse(l) as unknown });
    } catch (e) {
      issues.push(issue('kb-parse', `JSON: ${(e as Error).message}`, { path: `${path}:${i + 1}` }));
    }
  }
  return out;
}

/** A path as a person would type it: relative to the cwd when inside it. */
export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

// ---------------------------------------------------------------------------------------------
// Parse cache

interface ParseCache {
  has(hash: string): boolean;
  get(hash: string): unknown;
  set(hash: string, data: unknown): void;
  save(): void;
}

function yamlVersion(): string {
  try {
    return (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

// The key includes the parser version and options: a parser upgrade may read the same text differently.
const CACHE_FORMAT = `kb-parse-cache/1 yaml@${yamlVersion()} uniqueKeys`;

function openCache(option: boolean | string | undefined, origin: string): ParseCache | null {
  const env = process.env.FERTILITY_KB_CACHE;
  let dir: string | null;
  if (option === false) dir = null;
  else if (typeof option === 'string') dir = option;
  else if (option === true)
    dir = env && env !== 'off' ? env : join(PROJECT_ROOT, 'node_modules', '.cache', 'fertility-kb');
  else if (env === 'off') dir = null;
  else dir = env ?? join(PROJECT_ROOT, 'node_modules', '.cache', 'fertility-kb');
  if (!dir) return null;
  const file = join(dir, `${sha256(resolve(origin)).slice(0, 16)}.json`);
  let old = new Map<string, unknown>();
  try {
    if (existsSync(file)) {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as {
        format?: string;
        items?: Record<string, unknown>;
      };
      if (raw.format === CACHE_FORMAT && raw.items && typeof raw.items === 'object') {
        old = new Map(Object.entries(raw.items));
      }
    }
  } catch {
    // A damaged cache is only a lost speed-up: start empty and overwrite it.
  }
  const used = new Map<string, unknown>();
  let dirty = false;
  return {
    has: (h) => old.has(h) || used.has(h),
    get: (h) => {
      const v = used.has(h) ? used.get(h) : old.get(h);
      used.set(h, v);
      return v;
    },
    set: (h, v) => {
      used.set(h, v);
      dirty = true;
    },
    save() {
      // Rewrite when something was parsed or when stale items (deleted or edited files) can be dropped.
      if (!dirty && used.size === old.size) return;
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ format: CACHE_FORMAT, items: Object.fromEntries(used) }));
        renameSync(tmp, file); // atomic: a concurrent reader sees the old or the new cache, never half
        pruneCache(dir);
      } catch {
        // Read-only install: the cache is an optimisation, never a reason to fail a load.
      }
    },
  };
}

/** Caches are per bank folder; keep the most recently written few (tests create many temp banks). */
const MAX_CACHE_FILES = 16;
function pruneCache(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of files.slice(MAX_CACHE_FILES)) rmSync(join(dir, f), { force: true });
}
