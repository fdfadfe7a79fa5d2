// Counts of the guard development set by label × language, as a Markdown table.
// Run: node eval/guards/counts.mjs   (prints the table that README.md carries; check.test.ts
// fails if the README's table and this output disagree).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { argv, stdout } from 'node:process';
import { URL, fileURLToPath } from 'node:url';

export const LANGS = ['en', 'fr', 'es', 'de', 'pt', 'ar'];
export const LABELS = ['urgent', 'in-scope', 'out-of-scope'];
export const DEV_PATH = fileURLToPath(new URL('./dev.jsonl', import.meta.url));

/** Parse a guard set (dev.jsonl by default); throws on the first line that is not a JSON object, naming file and line. */
export function readGuardSet(path = DEV_PATH) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const rows = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let row;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`${basename(path)} line ${i + 1}: ${e.message}`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new Error(`${basename(path)} line ${i + 1}: not a JSON object`);
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

const FIELDS = ['expected', 'id', 'lang', 'note', 'question'];
const norm = (q) => q.trim().toLowerCase();

/**
 * Problems with the rows' shape: exactly the five non-empty string fields, ids matching `idPattern`
 * and unique, valid labels and languages, unique questions (case ignored). One line per problem.
 */
export function rowProblems(rows, idPattern) {
  const bad = [];
  const ids = new Set();
  const questions = new Set();
  for (const r of rows) {
    const keys = Object.keys(r).sort();
    if (keys.join(',') !== FIELDS.join(',')) bad.push(`${r.id}: fields are ${keys.join(', ')}`);
    for (const k of FIELDS)
      if (typeof r[k] !== 'string' || r[k].trim() === '') bad.push(`${r.id}: ${k} is not a non-empty string`);
    if (!idPattern.test(String(r.id))) bad.push(`${r.id}: id does not match ${idPattern}`);
    if (ids.has(r.id)) bad.push(`${r.id}: duplicate id`);
    ids.add(r.id);
    if (!LABELS.includes(r.expected)) bad.push(`${r.id}: unknown label ${r.expected}`);
    if (!LANGS.includes(r.lang)) bad.push(`${r.id}: unknown language ${r.lang}`);
    const q = norm(String(r.question));
    if (questions.has(q)) bad.push(`${r.id}: duplicate question`);
    questions.add(q);
  }
  return bad;
}

/** Ids of `rows` whose question (case ignored) is also in `others`. */
export function sharedQuestions(rows, others) {
  const seen = new Set(others.map((r) => norm(r.question)));
  return rows.filter((r) => seen.has(norm(r.question))).map((r) => r.id);
}

/** Label × language cells and label totals below their minimums, one line each. */
export function minimumProblems(rows, min, minTotal) {
  const c = countTable(rows);
  const bad = [];
  for (const [label, perLang] of Object.entries(min)) {
    for (const [lang, m] of Object.entries(perLang))
      if ((c[label]?.[lang] ?? 0) < m) bad.push(`${label}/${lang}: ${c[label]?.[lang] ?? 0} < ${m}`);
    const total = Object.values(c[label] ?? {}).reduce((a, b) => a + b, 0);
    if (total < (minTotal[label] ?? 0)) bad.push(`${label} total: ${total} < ${minTotal[label]}`);
  }
  return bad;
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
