/**
 * Probes of whole question classes, each asked in the six languages (eval/probes/README.md).
 *
 * Usage: node dist/eval/probes/run-probes.js FILE.tsv [FILE.tsv …]
 * A file is tab-separated: `<label>\t<lang>\t<question>`. In `answerable-*.tsv` the label is an
 * entry id, or the start of one, that the answer should cite; in `unanswerable-*.tsv` a topic name,
 * and the right answer is an abstention. Prints one line per question that is not right, then the
 * counts. Not a measurement to report: the probes were written to find faults, and mended ones.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { configFromEnv } from '../../src/config/index.js';
import { createEngine } from '../../src/engine.js';

async function main(files: string[]): Promise<void> {
  if (files.length === 0) {
    process.stderr.write('usage: run-probes FILE.tsv [FILE.tsv …]\n');
    process.exitCode = 2;
    return;
  }
  const engine = await createEngine(configFromEnv());
  for (const file of files) {
    const name = basename(file);
    const answerable = name.startsWith('answerable');
    // What a right answer is, from the file's name.
    const rightStatus = (status: string): boolean =>
      answerable
        ? status === 'answered'
        : name.startsWith('unanswerable')
          ? status === 'insufficient-evidence'
          : name.startsWith('urgent')
            ? status === 'urgent'
            : name.startsWith('not-urgent')
              ? status !== 'urgent'
              : name.startsWith('out-of-scope')
                ? status === 'out-of-scope'
                : false;
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
