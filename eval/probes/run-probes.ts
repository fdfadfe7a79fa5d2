/**
 * Probes of whole question classes, each asked in the six languages (eval/probes/README.md).
 *
 * Usage: node dist/eval/probes/run-probes.js FILE.tsv [FILE.tsv …]
 * A file is tab-separated: `<label>\t<lang>\t<question>`. Its name says what a right answer is
 * (RIGHT below); in `answerable-*.tsv` the label is an entry id, or part of one, that the answer
 * should also cite, elsewhere a topic name. Prints one line per question that is not right, then the
 * counts. Not a measurement to report: the probes were written to find faults, and mended ones.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { configFromEnv } from '../../src/config/index.js';
import { createEngine } from '../../src/engine.js';

/** What a right answer is, by the start of the file's name. */
const RIGHT: ReadonlyArray<readonly [string, (status: string) => boolean]> = [
  ['answerable-', (s) => s === 'answered'],
  ['unanswerable-', (s) => s === 'insufficient-evidence'],
  ['urgent-', (s) => s === 'urgent'],
  ['not-urgent-', (s) => s !== 'urgent'],
  ['out-of-scope-', (s) => s === 'out-of-scope'],
];

async function main(files: string[]): Promise<void> {
  if (files.length === 0) {
    process.stderr.write('usage: run-probes FILE.tsv [FILE.tsv …]\n');
    process.exitCode = 2;
    return;
  }
  const kinds = files.map((file) => RIGHT.find(([prefix]) => basename(file).startsWith(prefix)));
  const unnamed = files.filter((_, i) => kinds[i] === undefined);
  if (unnamed.length > 0) {
    process.stderr.write(
      `run-probes: ${unnamed.join(', ')}: a probe file's name must start with one of ${RIGHT.map(([p]) => p).join(', ')} (it says what a right answer is)\n`,
    );
    process.exitCode = 2;
    return;
  }
  const engine = await createEngine(configFromEnv());
  for (const [f, file] of files.entries()) {
    const name = basename(file);
    const [prefix, rightStatus] = kinds[f]!;
    const answerable = prefix === 'answerable-';
    let right = 0;
    let cited = 0;
    let n = 0;
    for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries()) {
      if (!line.trim()) continue;
      const [label, lang, question] = line.split('\t');
      if (!label || !lang || !question)
        throw new Error(`${file}:${i + 1}: expected label, language and question`);
      n++;
      const a = await engine.ask(question);
      const ids = a.citations.map((c) => c.id.replace(/^kb:/, ''));
      const ok = rightStatus(a.status);
      const hit = answerable && ids.some((id) => id.includes(label));
      if (ok) right++;
      if (hit) cited++;
      if (!ok || (answerable && !hit))
        console.log(
          `${ok ? 'c' : 'X'} ${label.slice(0, 32).padEnd(32)} ${lang} ${a.status.padEnd(21)} ${ids.join(',')}`,
        );
    }
    console.log(
      `${name}: ${right} of ${n} ${answerable ? `answered, ${cited} citing the expected entry` : 'right'}`,
    );
  }
}

await main(process.argv.slice(2));
