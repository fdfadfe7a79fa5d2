/**
 * @module apps/cli/commands/eval
 * `fertility eval …`: evaluation on public benchmarks and our labelled sets.
 * - `eval beir DIR`: retrieval quality on a BEIR-format folder (contracts §2, issue 7).
 * - `eval normalizer`: lab-line naming and reading on the annotated set (issue 2).
 * The harnesses live in `eval/` and are imported inside the actions so that `--help` stays fast.
 */
import type { Command } from 'commander';
import { CliError, printJson } from '../io.js';
import { commandGroup } from '../registrar.js';

interface BeirOpts {
  split: string;
  params?: string;
  json?: boolean;
}

const fmt = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** Add the `eval` command group. */
export function register(program: Command): void {
  const ev = commandGroup(program, 'eval', 'evaluation on public benchmarks and labelled data');

  ev.command('normalizer')
    .description('analyte naming and line reading on eval/lab-lines/lines.jsonl (held-out part by default)')
    .option('--split <name>', 'heldout | train | all', 'heldout')
    .option('--file <path>', 'annotated lines (JSONL) instead of eval/lab-lines/lines.jsonl')
    .option('--no-pipeline', 'naming only (skip the full normalizeLabReport pass)')
    .option(
      '--json',
      'machine output: { naming: { analyteRecall, wrongAboveThreshold, … }, pipeline, failures }',
    )
    .action(async (opts: { split: string; file?: string; pipeline: boolean; json?: boolean }) => {
      if (!['heldout', 'train', 'all'].includes(opts.split)) {
        throw new CliError(`--split must be heldout, train or all, got "${opts.split}"`);
      }
      const { evaluateNormalizer, formatNormalizerReport } = await import('../../../../eval/normalizer.js');
      let report;
      try {
        report = await evaluateNormalizer({
          split: opts.split as 'heldout' | 'train' | 'all',
          pipeline: opts.pipeline,
          ...(opts.file ? { file: opts.file } : {}),
        });
      } catch (e) {
        const msg = (e as Error).message;
        if (/no such file|cannot read|not valid JSON|unknown analyte|duplicate line id|:\d+:/.test(msg))
          throw new CliError(msg);
        throw e;
      }
      if (opts.json === true) printJson(report);
      else process.stdout.write(formatNormalizerReport(report) + '\n');
    });

  ev.command('beir')
    .description('retrieval quality of the default lexical retriever on a BEIR-format folder')
    .argument(
      '<dir>',
      'folder with corpus.jsonl, queries.jsonl and qrels/<split>.tsv (e.g. ../shared/data/scifact)',
    )
    .option('--split <name>', 'which qrels file to evaluate (qrels/<name>.tsv)', 'test')
    .option(
      '--params <file>',
      'retrieval parameters JSON (default: eval/retrieval-params.json, fitted on SciFact train)',
    )
    .option('--json', 'machine output: { "ndcg@10", "recall@100", queries, msPerQuery, … }')
    .action(async (dir: string, opts: BeirOpts) => {
      const { runBeir, loadParamsFile, FITTED_PARAMS_FILE, BeirError } =
        await import('../../../../eval/beir.js');
      let report;
      try {
        const params = loadParamsFile(opts.params ?? FITTED_PARAMS_FILE);
        report = runBeir(dir, { split: opts.split, params, progress: true });
      } catch (e) {
        if (e instanceof BeirError) throw new CliError(e.message);
        throw e;
      }
      if (opts.json === true) {
        printJson(report);
        return;
      }
      const lines = [
        `${dir} (${report.split}): nDCG@10 ${fmt(report['ndcg@10'], 4)}  Recall@100 ${fmt(report['recall@100'], 4)}`,
        `${report.queries} queries, ${fmt(report.msPerQuery, 3)} ms/query (p50 ${fmt(report.p50Ms, 3)}, p99 ${fmt(report.p99Ms, 3)}); index of ${report.docs} documents built in ${fmt(report.indexMs, 0)} ms`,
        `params: ${report.params.name}`,
      ];
      if (report.skipped.queriesWithoutText > 0 || report.skipped.judgedDocsNotInCorpus > 0) {
        lines.push(
          `skipped: ${report.skipped.queriesWithoutText} judged queries without text; ${report.skipped.judgedDocsNotInCorpus} judged documents not in the corpus (count as misses)`,
        );
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
