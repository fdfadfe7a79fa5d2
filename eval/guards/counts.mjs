// Counts of the guard development set by label × language, as a Markdown table.
// Run: node eval/guards/counts.mjs   (prints the table that README.md carries; check.test.ts
// fails if the README's table and this output disagree).
import { readFileSync } from 'node:fs';
import { argv, stdout } from 'node:process';
import { URL, fileURLToPath } from 'node:url';

export const LANGS = ['en', 'fr', 'es', 'de', 'pt', 'ar'];
export const LABELS = ['urgent', 'in-scope', 'out-of-scope'];
export const DEV_PATH = fileURLToPath(new URL('./dev.jsonl', import.meta.url));

/** Parse dev.jsonl; throws on the first line that is not a JSON object (with its line number). */
export function readGuardSet(path = DEV_PATH) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const rows = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let row;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`dev.jsonl line ${i + 1}: ${e.message}`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new Error(`dev.jsonl line ${i + 1}: not a JSON object`);
    }
    rows.push(row);
  });
  return rows;
}

/** counts[label][lang] for every label and language (zeros included). */
export function countTable(rows) {
  const counts = {};
  for (const label of LABELS) counts[label] = Object.fromEntries(LANGS.map((l) => [l, 0]));
  for (const r of rows) {
    if (counts[r.expected] && r.lang in counts[r.expected]) counts[r.expected][r.lang] += 1;
  }
  return counts;
}

export function markdownTable(rows) {
  const c = countTable(rows);
  const head = `| label | ${LANGS.join(' | ')} | total |`;
  const sep = `|---|${LANGS.map(() => '---:').join('|')}|---:|`;
  const body = LABELS.map((label) => {
    const cells = LANGS.map((l) => c[label][l]);
    return `| ${label} | ${cells.join(' | ')} | ${cells.reduce((a, b) => a + b, 0)} |`;
  });
  const colTotals = LANGS.map((l) => LABELS.reduce((a, label) => a + c[label][l], 0));
  const total = `| total | ${colTotals.join(' | ')} | ${colTotals.reduce((a, b) => a + b, 0)} |`;
  return [head, sep, ...body, total].join('\n');
}

if (argv[1] && fileURLToPath(import.meta.url) === argv[1]) {
  stdout.write(markdownTable(readGuardSet()) + '\n');
}
