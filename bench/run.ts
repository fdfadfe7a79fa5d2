/**
 * `npm run bench`: runs every benchmark module, prints each section, writes the raw numbers to
 * bench/results/<id>.json and replaces that section's block in BENCHMARKS.md (between
 * `<!-- bench:<id> -->` markers), so the file always shows the latest measured run.
 *
 * Usage: node dist/bench/run.js [--quick] [only-module …]  (--quick: short runs, printed only;
 * neither bench/results nor BENCHMARKS.md is written)
 * Benchmarks measure; they never assert. Run them on a quiet machine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import type { BenchModule, BenchSection } from './types.js';

/** Benchmark modules in the order they appear in BENCHMARKS.md. */
const MODULES = ['normalize', 'naming', 'kb', 'answer', 'peers', 'http'] as const;

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Node ${process.version}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${new Date().toISOString().slice(0, 10)}`;
}

export function replaceSection(doc: string, s: BenchSection): string {
  const start = `<!-- bench:${s.id} -->`;
  const end = `<!-- /bench:${s.id} -->`;
  const block = `${start}\n## ${s.title}\n\n${s.markdown.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return doc.trimEnd() + '\n\n' + block + '\n';
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.filter((a) => !a.startsWith('--'));
  const unknown = only.filter((m) => !(MODULES as readonly string[]).includes(m));
  if (unknown.length) {
    process.stderr.write(`bench: unknown module(s) ${unknown.join(', ')}; known: ${MODULES.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const docPath = join(PROJECT_ROOT, 'BENCHMARKS.md');
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  for (const name of MODULES) {
    if (only.length && !only.includes(name)) continue;
    const file = join(PROJECT_ROOT, 'dist', 'bench', `${name}.js`);
    if (!existsSync(file)) {
      process.stderr.write(`bench: ${name}: not built (dist/bench/${name}.js missing), skipped\n`);
      continue;
    }
    process.stderr.write(`bench: running ${name}${quick ? ' (quick)' : ''}…\n`);
    const mod = (await import(file)) as BenchModule;
    const sections = await mod.run({ quick });
    for (const s of sections) {
      process.stdout.write(`\n## ${s.title}\n\n${s.markdown}\n`);
      // A quick run is a smoke test: it must not replace the raw numbers BENCHMARKS.md reports.
      if (quick) continue;
      writeFileSync(
        join(PROJECT_ROOT, 'bench', 'results', `${s.id}.json`),
        JSON.stringify({ machine: machineLine(), ...s.data }, null, 2) + '\n',
      );
      doc = replaceSection(doc, s);
    }
  }
  if (!quick) writeFileSync(docPath, doc);
}

await main();
