/**
 * @module pipeline/ingest/text
 * Free-layout text: every line becomes a candidate with its 1-based line number; the line
 * parser (normalize/line.ts) decides which lines are results.
 */
import { LINE_BREAK } from '../normalize/patterns.js';
import type { LineCandidate, ReadResult } from './types.js';

/** Split text into numbered lines (CRLF, CR, LF and Unicode separators). */
export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
}

/** Read a free-layout text report. */
export function readText(text: string): ReadResult {
  const lines = splitLines(text);
  const candidates: LineCandidate[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!;
    if (t.trim().length > 0) candidates.push({ kind: 'line', line: i + 1, text: t });
  }
  return { format: 'text', candidates, issues: [], deid: {}, lines: lines.length };
}
