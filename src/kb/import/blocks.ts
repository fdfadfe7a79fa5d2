/**
 * @module kb/import/blocks
 * The structure every reader (Markdown, HTML, PDF) reduces a document to, and the chunker reads:
 * a flat sequence of headings, paragraphs, lists and tables. Nesting is carried by heading levels;
 * the chunker rebuilds the heading tree from them.
 */

export type Block =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; text: string }
  /** Items keep an ordered list's own numbering ("1. …"); bullets are dropped. */
  | { type: 'list'; ordered: boolean; items: string[] }
  | { type: 'table'; header: string[] | null; rows: string[][] };

/** What a reader returns. */
export interface ReadDocument {
  /** A title found in the document (HTML <title>, first level-1 heading), if any. */
  title: string | null;
  blocks: Block[];
  /** Reader notes worth showing the curator (e.g. pages without text). */
  notes: string[];
}

/** Collapse runs of whitespace to one space and trim. */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
