/**
 * `fertility ask`, `fertility recommend`, and the answer-engine evaluation/training subcommands
 * (`eval answers`, `eval questions`, `train calibrator`).
 */
import type { Command } from 'commander';
import { commandGroup } from '../registrar.js';

export function register(program: Command): void {
  program
    .command('ask')
    .description('evidence-grounded answer or abstention (contracts §6)')
    .argument('<question>', 'the question, in English, French, Spanish, German, Portuguese or Arabic')
    .option('--profile <intake.json>', 'couple intake (contracts §4) the answer should apply to')
    .option(
      '--db <url>',
      'where the audit record goes (sqlite path or postgres:// URL); default .data/fertility.db',
    )
    .option('--no-audit', 'do not write an audit record (evaluation, experiments)')
    .option('--json', 'machine output (the Answer JSON) on stdout')
    .action(
      async (question: string, opts: { profile?: string; db?: string; audit: boolean; json?: boolean }) => {
        const { runAsk } = await import('../answer-commands.js');
        await runAsk(question, opts);
      },
    );
  program
    .command('recommend')
    .description('ranked, cited recommendations for a couple')
    .argument('<intake.json>', 'couple intake (contracts §4)')
    .option('--db <url>', 'where the audit record goes; default .data/fertility.db')
    .option('--no-audit', 'do not write an audit record')
    .option('--json', 'machine output ({ "recommendations": [...] }) on stdout')
    .action(async (intake: string, opts: { db?: string; audit: boolean; json?: boolean }) => {
      const { runRecommend } = await import('../answer-commands.js');
      await runRecommend(intake, opts);
    });
  commandGroup(program, 'eval', 'evaluation on labelled data')
    .command('answers')
    .description(
      'answer quality and calibration on the held-out labelled questions; writes the reliability diagram',
    )
    .option('--split <split>', 'heldout (default) or fit', 'heldout')
    .option('--questions <file>', 'labelled question set (default eval/questions/questions.jsonl)')
    .option('--png <file>', 'where to write the reliability diagram', 'docs/figures/reliability-diagram.png')
    .option('--json', 'machine output on stdout')
    .action(async (opts: { split: string; questions?: string; png: string; json?: boolean }) => {
      const { runEvalAnswers } = await import('../answer-commands.js');
      await runEvalAnswers(opts);
    });
  commandGroup(program, 'eval', 'evaluation on labelled data')
    .command('questions')
    .description('retrieval quality (Recall@5, nDCG@10) on the labelled fertility questions')
    .option('--split <split>', 'all (default), fit or heldout', 'all')
    .option('--questions <file>', 'labelled question set (default eval/questions/questions.jsonl)')
    .option('--json', 'machine output on stdout')
    .action(async (opts: { split: string; questions?: string; json?: boolean }) => {
      const { runEvalQuestions } = await import('../answer-commands.js');
      await runEvalQuestions(opts);
    });
  commandGroup(program, 'train', 'retrain a learned component (versioned artifact under models/)')
    .command('guards')
    .description('fit the learned urgent and scope classifiers (guard development set + fitting questions)')
    .option('--questions <file>', 'labelled question set (default eval/questions/questions.jsonl)')
    .option('--out <file>', 'artifact path (default models/guard-classifiers.json)')
    .option('--json', 'machine output on stdout')
    .action(async (opts: { questions?: string; out?: string; json?: boolean }) => {
      const { runTrainGuards } = await import('../answer-commands.js');
      await runTrainGuards(opts);
    });
  commandGroup(program, 'train', 'retrain a learned component (versioned artifact under models/)')
    .command('reranker')
    .description(
      'fit the learned relevance re-ranker on the fitting questions (retrain the calibrator after it)',
    )
    .option('--questions <file>', 'labelled question set (default eval/questions/questions.jsonl)')
    .option('--out <file>', 'artifact path (default models/relevance-reranker.json)')
    .option('--json', 'machine output on stdout')
    .action(async (opts: { questions?: string; out?: string; json?: boolean }) => {
      const { runTrainReranker } = await import('../answer-commands.js');
      await runTrainReranker(opts);
    });
  commandGroup(program, 'train', 'retrain a learned component (versioned artifact under models/)')
    .command('calibrator')
    .description('fit the confidence calibrator and abstention threshold on the fitting questions')
    .option('--questions <file>', 'labelled question set (default eval/questions/questions.jsonl)')
    .option('--out <file>', 'artifact path (default models/confidence-calibrator.json)')
    .option('--json', 'machine output on stdout')
    .action(async (opts: { questions?: string; out?: string; json?: boolean }) => {
      const { runTrainCalibrator } = await import('../answer-commands.js');
      await runTrainCalibrator(opts);
    });
}
