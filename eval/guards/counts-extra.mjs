// Counts of the training-only guard set (train-extra.jsonl) by label × language, as a Markdown
// table. Run: node eval/guards/counts-extra.mjs   (prints the table README-extra.md carries;
// train-extra.test.ts fails if the README's table and this output disagree).
import { argv, stdout } from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { markdownTable, readGuardSet } from './counts.mjs';

export const TRAIN_EXTRA_PATH = fileURLToPath(new URL('./train-extra.jsonl', import.meta.url));

if (argv[1] && fileURLToPath(import.meta.url) === argv[1]) {
  stdout.write(markdownTable(readGuardSet(TRAIN_EXTRA_PATH)) + '\n');
}
