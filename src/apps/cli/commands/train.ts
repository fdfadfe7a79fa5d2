/**
 * @module apps/cli/commands/train
 * `fertility train normalizer`: retrain the analyte-name matcher deterministically (seeded) from
 * the terminology, hand-labelled names and the train split of the lab lines, and write the
 * versioned artifact `models/analyte-matcher.json`. Progress goes to stderr.
 */
import type { Command } from 'commander';
import { CliError, printJson } from '../io.js';
import { commandGroup } from '../registrar.js';

interface TrainNormalizerOpts {
  seed: string;
  out?: string;
  json?: boolean;
}

/** Add `train normalizer` to the `train` group. */
export function register(program: Command): void {
  const train = commandGroup(
    program,
    'train',
    'retrain a learned component (versioned artifact under models/)',
  );
  train
    .command('normalizer')
    .description('retrain the analyte-name matcher (models/analyte-matcher.json)')
    .option('--seed <n>', 'random seed (same seed and data → same weights)', '20260101')
    .option('--out <file>', 'write the artifact here instead of models/analyte-matcher.json')
    .option('--json', 'machine output: version, threshold, metrics, size, time')
    .action(async (opts: TrainNormalizerOpts) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed) || seed < 0)
        throw new CliError(`--seed must be a non-negative integer, got "${opts.seed}"`);
      const { trainMatcher } = await import('../../../pipeline/normalize/matcher-train.js');
      const r = trainMatcher({
        seed,
        ...(opts.out ? { out: opts.out } : {}),
        log: (line) => process.stderr.write(`train normalizer: ${line}\n`),
      });
      const summary = {
        file: r.file,
        version: r.artifact.version,
        trainingDataHash: r.artifact.trainingDataHash,
        threshold: r.artifact.threshold,
        temperature: r.artifact.temperature,
        examples: r.examples,
        bytes: r.bytes,
        seconds: Number(r.seconds.toFixed(2)),
        metrics: r.artifact.metrics,
      };
      if (opts.json === true) printJson(summary);
      else {
        const h = r.artifact.metrics.heldout;
        process.stdout.write(
          `wrote ${r.file} (${(r.bytes / 1024).toFixed(0)} KiB, ${r.examples} examples, ${r.seconds.toFixed(1)} s)\n` +
            `version ${r.artifact.version}; threshold ${r.artifact.threshold}; temperature ${r.artifact.temperature}\n` +
            (h
              ? `held-out lab-line names: recall ${h['recall']}, wrong above threshold ${h['wrongAboveThreshold']}\n`
              : ''),
        );
      }
    });
}
