/**
 * Implementations of `ask`, `recommend`, `eval answers`, `eval questions` and `train calibrator`
 * (loaded lazily by commands/answers.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { createEngine, type AnswerAuditRecord, type AuditSink, type Engine } from '../../engine.js';
import type { Answer } from '../../domain/answer.js';
import { configFromEnv } from '../../config/index.js';
import { PROJECT_ROOT } from '../../paths.js';
import type { Store, JsonObject } from '../../ports/store.js';
import { CliError, printJson, readJsonFile } from './io.js';

/** The tenant used by the command line when writing to a local database. */
export const CLI_TENANT = 'local';

export function auditPayload(r: AnswerAuditRecord): JsonObject {
  return JSON.parse(JSON.stringify(r)) as JsonObject;
}

async function storeSink(db: string | undefined): Promise<{ sink: AuditSink; close: () => Promise<void> }> {
  const { openStore } = await import('../../adapters/open-store.js');
  const store: Store = await openStore(db);
  const tenant = await store.ensureTenant(CLI_TENANT);
  return {
    sink: {
      append: async (r) =>
        void (await store.appendAudit(tenant.id, { kind: `answer.${r.kind}`, payload: auditPayload(r) })),
    },
    close: () => store.close(),
  };
}

async function engineWith(
  audit: boolean,
  db: string | undefined,
): Promise<{ engine: Engine; close: () => Promise<void> }> {
  const s = audit ? await storeSink(db) : null;
  const engine = await createEngine(configFromEnv(), s ? { audit: s.sink } : {});
  return { engine, close: s ? s.close : async () => undefined };
}

function renderAnswer(a: Answer): string {
  const lines: string[] = [];
  lines.push(
    `status: ${a.status}   confidence: ${a.confidence}   knowledge: ${a.kb.version.slice(0, 19)}… (${a.kb.entries} entries)`,
  );
  lines.push('');
  lines.push(a.answer);
  if (a.abstention) {
    lines.push('', `why: ${a.abstention.reason}`);
    if (a.abstention.missing.length) lines.push(`would help: ${a.abstention.missing.join('; ')}`);
  }
  if (a.citations.length) {
    lines.push('', 'sources:');
    for (const c of a.citations) {
      const s = c.source;
      lines.push(
        `  [${c.n}] ${s.body}, ${s.document} (${s.year}), ${s.section}${s.strength ? ` — ${s.strength}` : ''}`,
      );
      lines.push(`      ${s.url ?? (s.doi ? 'https://doi.org/' + s.doi : '')}`);
      if (c.appliesBecause.length) lines.push(`      applies because: ${c.appliesBecause.join('; ')}`);
    }
  }
  return lines.join('\n');
}

export async function runAsk(
  question: string,
  opts: { profile?: string; db?: string; audit: boolean; json?: boolean },
): Promise<void> {
  const intake = opts.profile ? readJsonFile(opts.profile) : undefined;
  const { engine, close } = await engineWith(opts.audit, opts.db);
  try {
    const answer = await engine.ask(question, intake === undefined ? {} : { profile: intake });
    if (opts.json) printJson(answer);
    else process.stdout.write(renderAnswer(answer) + '\n');
  } finally {
    await close();
  }
}

export async function runRecommend(
  intakePath: string,
  opts: { db?: string; audit: boolean; json?: boolean },
): Promise<void> {
  const intake = readJsonFile(intakePath);
  const { engine, close } = await engineWith(opts.audit, opts.db);
  try {
    const r = await engine.recommend(intake);
    if (opts.json) {
      printJson({
        recommendations: r.recommendations,
        applicable: r.applicable,
        missing: r.missing,
        kb: r.kb,
        timings: r.timings,
      });
      return;
    }
    const out: string[] = [
      `${r.recommendations.length} of ${r.applicable} applicable recommendation(s) for this couple (knowledge ${r.kb.version.slice(0, 19)}…)`,
      '',
    ];
    r.recommendations.forEach((x, i) => {
      const c = x.citations[0]!;
      out.push(`${i + 1}. ${x.statements[0]!.text}`);
      out.push(`   [${c.source.body} ${c.source.year}, ${c.source.document}, ${c.source.section}]`);
      out.push(`   applies because: ${x.appliesBecause.join('; ')}`);
      if (x.conflictsWith)
        out.push(`   note: ${x.statements.find((s) => s.role === 'conflict')?.text ?? ''}`);
    });
    if (r.missing.length) {
      out.push('', 'data that would allow more specific advice:');
      for (const m of r.missing) out.push(`  - ${m.for}: ${m.need.join('; ')}`);
    }
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await close();
  }
}

const resolvePath = (p: string): string => (isAbsolute(p) ? p : join(process.cwd(), p));

export async function runEvalAnswers(opts: {
  split: string;
  questions?: string;
  png: string;
  json?: boolean;
}): Promise<void> {
  if (opts.split !== 'heldout' && opts.split !== 'fit')
    throw new CliError(`--split must be heldout or fit, got "${opts.split}"`);
  const { loadQuestionSet } = await import('../../../eval/questions-set.js');
  const { evaluateAnswers, writeReliabilityDiagram } = await import('../../../eval/answers.js');
  const set = loadQuestionSet(opts.questions ? resolvePath(opts.questions) : undefined);
  const engine = await createEngine(configFromEnv());
  const report = await evaluateAnswers(engine, set, opts.split);
  const png = resolvePath(opts.png);
  writeReliabilityDiagram(report, png);
  if (opts.json) {
    printJson({ ...report, reliabilityDiagram: png });
    return;
  }
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `${report.questions} ${report.split} questions, knowledge ${report.knowledgeVersion.slice(0, 19)}…`,
    '',
    'category        n    right   status right',
    ...Object.entries(report.byCategory).map(
      ([c, v]) =>
        `${c.padEnd(14)} ${String(v.n).padStart(3)}  ${pct(v.accuracy).padStart(7)}  ${pct(v.statusAccuracy).padStart(7)}`,
    ),
    '',
    `out-of-scope and urgent handled:      ${pct(report.targets.outOfScopeAndUrgent)}`,
    `unanswerable abstained:               ${pct(report.targets.unanswerableAbstained)}`,
    `answerable answered:                  ${pct(report.targets.answerableAnswered)}`,
    `answerable answered with an expected citation: ${pct(report.targets.answerableAnsweredWithExpectedCitation)}`,
    `ECE: ${report.calibration.ece.toFixed(3)}   AUROC: ${report.calibration.auroc?.toFixed(3) ?? 'n/a'}   (n = ${report.calibration.n})`,
    `reliability diagram: ${png}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export async function runEvalQuestions(opts: {
  split: string;
  questions?: string;
  json?: boolean;
}): Promise<void> {
  if (!['all', 'fit', 'heldout'].includes(opts.split))
    throw new CliError(`--split must be all, fit or heldout, got "${opts.split}"`);
  const { loadQuestionSet } = await import('../../../eval/questions-set.js');
  const { evaluateRetrieval } = await import('../../../eval/answers.js');
  const set = loadQuestionSet(opts.questions ? resolvePath(opts.questions) : undefined);
  const engine = await createEngine(configFromEnv());
  const r = await evaluateRetrieval(engine, set, opts.split as 'all' | 'fit' | 'heldout');
  if (opts.json) return printJson(r);
  const lines = [
    `${r.questions} answerable questions (${r.split}): Recall@5 ${r['recall@5'].toFixed(3)}, nDCG@10 ${r['ndcg@10'].toFixed(3)}`,
    ...Object.entries(r.byLanguage).map(
      ([l, v]) =>
        `  ${l}: n=${v.n}  Recall@5 ${v['recall@5'].toFixed(3)}  nDCG@10 ${v['ndcg@10'].toFixed(3)}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * Training reads the evaluation set's fitting part plus the training-only questions, when present
 * (for the guards, all but the files of `NOT_FOR_GUARDS`).
 */
async function trainingSet(questions: string | undefined, forGuards = false) {
  const { loadQuestionSet, trainingQuestionFiles, NOT_FOR_GUARDS } =
    await import('../../../eval/questions-set.js');
  const skip = new Set(forGuards ? NOT_FOR_GUARDS.map((f) => join(PROJECT_ROOT, f)) : []);
  return loadQuestionSet(
    questions ? resolvePath(questions) : undefined,
    trainingQuestionFiles().filter((f) => !skip.has(f)),
  );
}

export async function runTrainGuards(opts: {
  questions?: string;
  out?: string;
  json?: boolean;
}): Promise<void> {
  const { trainGuards } = await import('../../../eval/guards-train.js');
  const set = await trainingSet(opts.questions, true);
  const engine = await createEngine(configFromEnv(), {
    learnedGuards: null,
    relevance: null,
    calibrator: { version: 'training', threshold: 0.5, probability: () => 0.5 },
  });
  const artifact = await trainGuards(engine, set);
  const out = opts.out ? resolvePath(opts.out) : join(PROJECT_ROOT, 'models', 'guard-classifiers.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(artifact) + '\n');
  if (opts.json) return printJson({ path: out, version: artifact.version, fit: artifact.fit });
  process.stdout.write(
    `wrote ${out}\n  version ${artifact.version}; out of fold: ${JSON.stringify(artifact.fit)}\n`,
  );
}

export async function runTrainReranker(opts: {
  questions?: string;
  out?: string;
  json?: boolean;
}): Promise<void> {
  const { trainReranker } = await import('../../../eval/answers.js');
  const set = await trainingSet(opts.questions);
  const engine = await createEngine(configFromEnv(), {
    relevance: null,
    calibrator: { version: 'training', threshold: 0.5, probability: () => 0.5 },
  });
  const artifact = await trainReranker(engine, set);
  const out = opts.out ? resolvePath(opts.out) : join(PROJECT_ROOT, 'models', 'relevance-reranker.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(artifact, null, 2) + '\n');
  if (opts.json) return printJson({ path: out, ...artifact });
  process.stdout.write(
    `wrote ${out}\n  version ${artifact.version}, ${artifact.trainingData.pairs} pairs from ${artifact.trainingData.questions} fitting questions\n` +
      '  retrain the calibrator now: fertility train calibrator\n',
  );
}

export async function runTrainCalibrator(opts: {
  questions?: string;
  out?: string;
  json?: boolean;
}): Promise<void> {
  const { trainCalibrator } = await import('../../../eval/answers.js');
  const set = await trainingSet(opts.questions);
  // Training needs the pipeline up to the features only; the calibrator being trained is not used.
  // The re-ranker's features come out of fold (see trainCalibrator), so the artifact is not used either.
  const engine = await createEngine(configFromEnv(), {
    relevance: null,
    calibrator: { version: 'training', threshold: 0.5, probability: () => 0.5 },
  });
  const artifact = await trainCalibrator(engine, set);
  const out = opts.out ? resolvePath(opts.out) : join(PROJECT_ROOT, 'models', 'confidence-calibrator.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(artifact, null, 2) + '\n');
  if (opts.json) return printJson({ path: out, ...artifact });
  process.stdout.write(
    `wrote ${out}\n  version ${artifact.version}, threshold ${artifact.threshold.toFixed(3)}, ${artifact.trainingData.questions} fitting questions\n` +
      `  on the fitting part: answerable answered ${(Number(artifact.fit.answeredRateAnswerable) * 100).toFixed(1)} %, unanswerable abstained ${(Number(artifact.fit.abstainedRateUnanswerable) * 100).toFixed(1)} %\n`,
  );
}
