/**
 * @module eval/nfcorpus-preprocessed
 * ../shared/data/nfcorpus lacks the BEIR NFCorpus corpus (see its SOURCE.md). What it has is the
 * original release's test documents, already preprocessed (lower-cased, stop words removed,
 * numbers replaced by "num", no punctuation). This writes those as a BEIR folder (empty titles)
 * with the BEIR queries and test judgments, so `fertility eval beir` and `bench:peers --data` can
 * run on it. Figures from it are NOT comparable with published BEIR NFCorpus figures (other
 * text, a 3,162-document pool instead of 3,633); they compare engines and parameter sets with
 * one another on a second biomedical set.
 *
 *   npm run build && node dist/eval/nfcorpus-preprocessed.js --out /tmp/nfcorpus-preprocessed
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SHARED_DATA_DIR } from '../src/paths.js';

/** `ID<TAB>TEXT` lines → BEIR corpus.jsonl text. */
export function docsToCorpusJsonl(docs: string): string {
  const out: string[] = [];
  docs.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length === 0) return;
    const tab = line.indexOf('\t');
    if (tab <= 0) throw new Error(`test.docs:${i + 1}: expected ID<TAB>TEXT`);
    out.push(JSON.stringify({ _id: line.slice(0, tab), title: '', text: line.slice(tab + 1) }));
  });
  return out.join('\n') + '\n';
}

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: join(SHARED_DATA_DIR, 'nfcorpus') },
      out: { type: 'string' },
    },
  });
  if (values.out === undefined) throw new Error('--out DIR is required (a folder outside the repository)');
  mkdirSync(join(values.out, 'qrels'), { recursive: true });
  const docs = readFileSync(join(values.data, 'original_release_test_split', 'test.docs'), 'utf8');
  writeFileSync(join(values.out, 'corpus.jsonl'), docsToCorpusJsonl(docs));
  copyFileSync(join(values.data, 'queries.jsonl'), join(values.out, 'queries.jsonl'));
  copyFileSync(join(values.data, 'qrels', 'test.tsv'), join(values.out, 'qrels', 'test.tsv'));
  process.stderr.write(`wrote ${values.out}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`nfcorpus-preprocessed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
