/**
 * @module kb/document
 * On-disk shape of an imported long document (guideline, paper):
 *
 *   knowledge/documents/<docId>/document.yaml   metadata: source (contracts §7), input hash, chunking
 *   knowledge/documents/<docId>/chunks.jsonl    one chunk per line, parents before children
 *
 * The chunk lines do not repeat the source: it is attached from `document.yaml` on load, with the
 * chunk's own `section` (the number of its heading or recommendation, when the document numbers
 * them) in place of the document-level section.
 */
import { z } from 'zod';
import type { DocumentChunk } from '../domain/knowledge.js';
import { SourceSchema, type Source } from '../domain/source.js';
import { estimateTokens } from './tokens.js';

/** Document ids follow entry ids: lowercase kebab-case, also the folder name. */
export const DocIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/, 'document ids are lowercase kebab-case');

export const DocumentMetaSchema = z.strictObject({
  docId: DocIdSchema,
  title: z.string().min(1),
  source: SourceSchema,
  format: z.enum(['markdown', 'html', 'pdf', 'text']),
  input: z.strictObject({
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int(),
  }),
  importedAt: z.string().min(10),
  chunking: z.strictObject({
    chunker: z.string(),
    maxTokens: z.number().int().positive(),
    tokenEstimate: z.string(),
  }),
  chunks: z.number().int().nonnegative(),
  /** Why the text is stored and what it is not: shown to curators who open the file. */
  note: z.string().optional(),
});
export type DocumentMeta = z.infer<typeof DocumentMetaSchema>;

export const ChunkKindSchema = z.enum(['section', 'recommendation', 'table', 'list', 'paragraph']);

/** One line of `chunks.jsonl`. */
export const ChunkLineSchema = z.strictObject({
  id: z.string().min(1),
  headingPath: z.array(z.string()),
  parentId: z.string().nullable(),
  kind: ChunkKindSchema,
  /** The section or recommendation number as the document prints it, when it has one. */
  section: z.string().min(1).optional(),
  text: z.string().min(1),
  tokens: z.number().int().nonnegative(),
});
export type ChunkLine = z.infer<typeof ChunkLineSchema>;

/** A validated imported document with its chunks (source attached). */
export interface ValidDocument {
  docId: string;
  meta: DocumentMeta;
  chunks: DocumentChunk[];
}

/** Chunk id inside a document: `<docId>#<4-digit ordinal>`, stable for a given input and budget. */
export function chunkId(docId: string, n: number): string {
  return `${docId}#${String(n).padStart(4, '0')}`;
}

/** The chunk as served: the line plus the document's source, its section narrowed to the chunk's. */
export function toDocumentChunk(docId: string, source: Source, line: ChunkLine): DocumentChunk {
  return {
    id: line.id,
    docId,
    headingPath: line.headingPath,
    parentId: line.parentId,
    kind: line.kind,
    text: line.text,
    // Recomputed rather than trusted: a hand edit of the text would leave a stored count stale.
    tokens: estimateTokens(line.text),
    source: line.section ? { ...source, section: line.section } : { ...source },
  };
}
