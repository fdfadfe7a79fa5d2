/**
 * @module kb/import
 * `fertility kb import`: a guideline or paper (Markdown, HTML, PDF, plain text) → chunks with the
 * document's source, written to `knowledge/documents/<docId>/` (see `kb/document`).
 *
 * A source is required: body, document, year, section (or "whole document") and a url or doi —
 * an import without one is refused, because a chunk that cannot be cited cannot be served.
 *
 * Imported text is data. It is split and stored as written; nothing in it is interpreted, so a
 * document that says "ignore previous instructions" changes nothing but the text of its chunk.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { stringify } from 'yaml';
import { issue, type Issue } from '../../domain/issues.js';
import { SourceSchema, sourceIsComplete, type Source } from '../../domain/source.js';
import { CHUNKER_ID, TOKEN_ESTIMATE, chunkBlocks } from '../chunk.js';
import { DocIdSchema, type ChunkLine, type DocumentMeta } from '../document.js';
import { loadBankFromFiles } from '../load.js';
import { validateInputs } from '../validate.js';
import type { ReadDocument } from './blocks.js';
import { parseHtml } from './html.js';
import { parseMarkdown } from './markdown.js';
import { readPdfDocument } from './pdf.js';

export type ImportFormat = DocumentMeta['format'];

/** Source metadata given by the curator (contracts §7) plus optional naming. */
export interface ImportSource {
  body?: string;
  document?: string;
  year?: number;
  section?: string;
  url?: string;
  doi?: string;
  strength?: string;
  certainty?: string;
  /** Title shown for the document (default: found in the document, else `document`). */
  title?: string;
  /** Folder name and chunk-id prefix (default: derived from body, document and year). */
  docId?: string;
}

export interface ImportOptions {
  /** Token budget per chunk (default 400; see `kb/tokens` for the estimate). */
  maxTokens?: number;
  /** Format; default from the file extension, else sniffed from the content. */
  format?: ImportFormat;
  /** Input file name, recorded in the metadata. */
  fileName: string;
  /** Clock for `importedAt` (tests). */
  now?: () => Date;
}

export interface ImportedDocument {
  meta: DocumentMeta;
  chunks: ChunkLine[];
  /** Reader notes (pages without text, …) for the curator. */
  notes: string[];
}

export const DEFAULT_MAX_TOKENS = 400;
/** Smallest budget accepted: below it a heading with its number rarely fits. */
export const MIN_MAX_TOKENS = 16;
const NOTE =
  'Imported document text: stored as data for retrieval and citation. Nothing in it is an instruction to the engine.';

/** Import a document. Returns issues (`kb-import-refused`, `pdf-*`, `input-*`) instead of throwing for bad input. */
export async function importDocument(
  bytes: Uint8Array,
  src: ImportSource,
  opts: ImportOptions,
): Promise<{ ok: true; doc: ImportedDocument } | { ok: false; issues: Issue[] }> {
  const refused = (msg: string, path?: string): { ok: false; issues: Issue[] } => ({
    ok: false,
    issues: [issue('kb-import-refused', msg, path ? { path } : {})],
  });
  const source = checkSource(src);
  if ('issues' in source) return { ok: false, issues: source.issues };
  const maxTokens = opts.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < MIN_MAX_TOKENS) {
    return refused(`--max-tokens must be an integer ≥ ${MIN_MAX_TOKENS} (got ${maxTokens})`, 'maxTokens');
  }
  if (bytes.length === 0)
    return { ok: false, issues: [issue('input-empty', `${opts.fileName}: the file is empty`)] };
  const format = opts.format ?? detectFormat(opts.fileName, bytes);
  let read: ReadDocument;
  if (format === 'pdf') {
    const r = await readPdfDocument(bytes);
    if ('issue' in r) return { ok: false, issues: [r.issue] };
    read = r.doc;
  } else {
    if (bytes.includes(0)) {
      return {
        ok: false,
        issues: [
          issue('input-binary', `${opts.fileName}: binary content; expected Markdown, HTML, text or PDF`),
        ],
      };
    }
    const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
    read = format === 'html' ? parseHtml(text) : parseMarkdown(text);
  }
  if (!read.blocks.length) return refused(`${opts.fileName}: no text found to import`);

  const title = src.title?.trim() || read.title || source.value.document;
  const docId = src.docId ?? deriveDocId(source.value);
  const idCheck = DocIdSchema.safeParse(docId);
  if (!idCheck.success)
    return refused(`document id "${docId}": ${idCheck.error.issues[0]!.message}`, 'docId');
  const chunks = chunkBlocks(read.blocks, { docId, maxTokens, title });
  const meta: DocumentMeta = {
    docId,
    title,
    source: source.value,
    format,
    input: {
      file: basename(opts.fileName),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
    },
    importedAt: (opts.now ?? (() => new Date()))().toISOString(),
    chunking: { chunker: CHUNKER_ID, maxTokens, tokenEstimate: TOKEN_ESTIMATE },
    chunks: chunks.length,
    note: NOTE,
  };
  // The written files must load: check them with the same validator the bank uses.
  const files = documentFiles(meta, chunks);
  const loaded = loadBankFromFiles(
    files.map((f) => ({ rel: `documents/${docId}/${f.name}`, text: f.text })),
    { origin: 'import', cache: false },
  );
  const report = validateInputs([], loaded.documents, loaded.issues, { sharedDomainDir: null }, files.length);
  if (!report.ok)
    return {
      ok: false,
      issues: [issue('kb-import-refused', 'the import would not validate'), ...report.issues],
    };
  return { ok: true, doc: { meta, chunks, notes: read.notes } };
}

function checkSource(src: ImportSource): { value: Source } | { issues: Issue[] } {
  const candidate: Partial<Source> = {};
  for (const k of ['body', 'document', 'section', 'url', 'doi', 'strength', 'certainty'] as const) {
    const v = src[k]?.trim();
    if (v) candidate[k] = v;
  }
  if (src.year !== undefined) candidate.year = src.year;
  if (!sourceIsComplete(candidate)) {
    const missing: string[] = [];
    if (!candidate.body) missing.push('--body');
    if (!candidate.document) missing.push('--document');
    if (!candidate.year) missing.push('--year');
    if (!candidate.section) missing.push('--section (or "whole document")');
    if (!candidate.url && !candidate.doi) missing.push('--url or --doi');
    return {
      issues: [
        issue(
          'kb-import-refused',
          `a source is required to import a document: missing ${missing.join(', ')}`,
          {
            details: { missing },
          },
        ),
      ],
    };
  }
  const parsed = SourceSchema.safeParse(candidate);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((zi) =>
        issue('kb-import-refused', `source ${zi.path.join('.')}: ${zi.message}`, {
          path: `source.${zi.path.join('.')}`,
        }),
      ),
    };
  }
  return { value: parsed.data };
}

/** `ESHRE`, `Unexplained infertility guideline`, 2023 → `eshre-unexplained-infertility-guideline-2023`. */
export function deriveDocId(s: Pick<Source, 'body' | 'document' | 'year'>): string {
  const slug = `${s.body} ${s.document} ${s.year}`
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 80).replace(/-+$/, '') || 'document';
}

/** Format from the extension, else from the bytes. */
export function detectFormat(fileName: string, bytes: Uint8Array): ImportFormat {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.pdf') return 'pdf';
  if (ext === '.html' || ext === '.htm' || ext === '.xhtml') return 'html';
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (head.startsWith('%PDF-')) return 'pdf';
  if (/^\s*(<!doctype html|<html|<head|<body)/i.test(head)) return 'html';
  return ext === '.txt' ? 'text' : 'markdown';
}

/** The two files of an imported document, as text. */
export function documentFiles(
  meta: DocumentMeta,
  chunks: readonly ChunkLine[],
): Array<{ name: string; text: string }> {
  return [
    { name: 'document.yaml', text: stringify(meta, { lineWidth: 0 }) },
    {
      name: 'chunks.jsonl',
      text: chunks.map((c) => JSON.stringify(c)).join('\n') + (chunks.length ? '\n' : ''),
    },
  ];
}

/** Thrown by `writeDocument` when the target exists and `replace` is not set. */
export class DocumentExistsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentExistsError';
  }
}

/**
 * Write `<root>/<docId>/`. Refuses to overwrite unless `replace`; the new folder is written beside
 * the target and renamed into place, so a failed write never leaves half a document.
 */
export function writeDocument(root: string, doc: ImportedDocument, opts: { replace?: boolean } = {}): string {
  const dir = join(root, doc.meta.docId);
  if (existsSync(dir) && !opts.replace) {
    throw new DocumentExistsError(`${dir} already exists; pass --replace to re-import it`);
  }
  mkdirSync(dirname(dir), { recursive: true });
  // Dot-named neighbours: the bank loader skips them, so a crash mid-write leaves nothing half-loaded.
  const tmp = join(root, `.${doc.meta.docId}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const f of documentFiles(doc.meta, doc.chunks)) writeFileSync(join(tmp, f.name), f.text);
  if (existsSync(dir)) {
    const old = join(root, `.${doc.meta.docId}.old-${process.pid}`);
    renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
  } else renameSync(tmp, dir);
  return dir;
}
