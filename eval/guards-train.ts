/**
 * @module eval/guards-train
 * Fitting the learned guard classifiers (see src/pipeline/guard/learned.ts) and choosing their
 * thresholds by 5-fold cross-validation on the training data: the guard development set
 * (eval/guards/dev.jsonl, written independently of the word lists), the fitting part of the
 * labelled question set, and the knowledge bank's titles. The held-out questions are not used.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../src/engine.js';
import { PROJECT_ROOT } from '../src/paths.js';
import {
  GuardArtifactSchema,
  SCOPE_DENSE,
  URGENT_DENSE,
  type GuardArtifact,
} from '../src/pipeline/guard/learned.js';
import {
  TextClassifier,
  trainAveragedTextClassifier,
  type Example,
} from '../src/pipeline/guard/text-classifier.js';
import { guardSignals } from '../src/pipeline/run.js';
import { understandQuestion } from '../src/pipeline/understand/index.js';
import type { QuestionSet } from './questions-set.js';

export const GUARD_DEV_FILE = join(PROJECT_ROOT, 'eval', 'guards', 'dev.jsonl');
/** More guard training questions from another author (training only), used when present. */
export const GUARD_EXTRA_FILE = join(PROJECT_ROOT, 'eval', 'guards', 'train-extra.jsonl');

interface Labelled {
  text: string;
  urgent: 0 | 1;
  inScope: 0 | 1;
  source: string;
}

/** Hyperparameters, chosen by out-of-fold errors on the training data (see docs/answering.md). */
export const TRAIN = { l2: 1e-6, epochs: 12, seed: 7, learningRate: 0.4 };
/** Most off-topic questions the scope guard may let through out of fold, as a share of them. */
export const SCOPE_LET_THROUGH_RATE = 0.05;

/** Fold splits averaged for the out-of-fold probabilities the thresholds are chosen on. */
export const OOF_REPEATS = Number(process.env.OOF_REPEATS ?? 5);
/** Training orders averaged into each guard classifier (see trainAveragedTextClassifier). */
export const GUARD_RUNS = Number(process.env.GUARD_RUNS ?? 5);

export function loadGuardDev(path = GUARD_DEV_FILE): Labelled[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l, i) => {
      const r = JSON.parse(l) as { question: string; expected: string };
      if (!['urgent', 'in-scope', 'out-of-scope'].includes(r.expected))
        throw new Error(`${path}:${i + 1}: unknown label ${r.expected}`);
      return {
        text: r.question,
        urgent: r.expected === 'urgent' ? 1 : 0,
        inScope: r.expected === 'out-of-scope' ? 0 : 1,
        source: 'dev',
      };
    });
}

function foldOf(text: string, k: number): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % k;
}

export async function trainGuards(
  engine: Engine,
  set: QuestionSet,
  devPath = GUARD_DEV_FILE,
  hyper: typeof TRAIN = TRAIN,
): Promise<GuardArtifact> {
  const deps = engine.internals.deps;
  if (deps.learnedGuards !== null)
    throw new Error('train the guards with an engine created with { learnedGuards: null }');
  const serving = engine.internals.serving();
  const data: Labelled[] = [
    ...loadGuardDev(devPath),
    ...(existsSync(GUARD_EXTRA_FILE) ? loadGuardDev(GUARD_EXTRA_FILE) : []),
  ];
  for (const q of set.questions) {
    if (q.split !== 'fit') continue;
    data.push({
      text: q.question,
      urgent: q.expected.status === 'urgent' ? 1 : 0,
      inScope: q.expected.status === 'out-of-scope' ? 0 : 1,
      source: 'fit',
    });
  }
  for (const e of serving.snapshot.entries)
    data.push({ text: e.title, urgent: 0, inScope: 1, source: 'bank-title' });

  // Dense rule features, computed exactly as the pipeline computes them (no profile: questions alone).
  // Values each question states, read as the engine reads them before its guards (a stated value of
  // a care analyte makes a question in scope: run.ts, guardSignals).
  const stated = await Promise.all(
    data.map(async (d) => (await engine.internals.statedFactsFor(d.text, null))?.read ?? []),
  );
  const dense = data.map((d, i) => {
    const understood = understandQuestion(d.text, {
      vocabulary: deps.vocabulary,
      negation: deps.negation,
      correct: (w) => serving.index.correct(w),
      glossary: deps.glossary,
    });
    const gs = guardSignals(
      d.text,
      understood,
      serving.index.terms(understood.searchText),
      false,
      serving,
      deps,
      stated[i],
    );
    return {
      urgent: URGENT_DENSE.map((k) => gs.urgentDense[k]),
      scope: SCOPE_DENSE.map((k) => gs.scopeDense[k]),
      decisive: gs.decisive,
      aboutAnimal: gs.scope.aboutAnimal,
    };
  });
  const urgentEx: Example[] = data.map((d, i) => ({
    text: d.text,
    dense: dense[i]!.urgent,
    label: d.urgent,
  }));
  // Titles are not questions; they only teach the scope classifier the bank's vocabulary.
  const scopeEx: Example[] = data.map((d, i) => ({ text: d.text, dense: dense[i]!.scope, label: d.inScope }));

  // Out-of-fold probabilities, averaged over OOF_REPEATS different 5-fold splits: with one split,
  // which examples happened to share a fold moved the cost curves enough to move the thresholds
  // (decision 0005, addendum of 2026-11-26 morning).
  const oof = (ex: Example[], names: readonly string[], positiveWeight: number): number[] => {
    const p = new Array<number>(ex.length).fill(0);
    for (let r = 0; r < OOF_REPEATS; r++) {
      const fold = (text: string): number => foldOf(r === 0 ? text : `${r}:${text}`, 5);
      for (let k = 0; k < 5; k++) {
        const train = ex.filter((e) => fold(e.text) !== k);
        const m = new TextClassifier(
          trainAveragedTextClassifier(
            train,
            { ...hyper, denseNames: [...names], positiveWeight },
            GUARD_RUNS,
          ),
        );
        ex.forEach((e, i) => {
          if (fold(e.text) === k) p[i]! += m.probability(e.text, e.dense) / OOF_REPEATS;
        });
      }
    }
    return p;
  };
  const questionsOnly = (i: number): boolean => data[i]!.source !== 'bank-title';

  // Urgent: the threshold that maximises F3 (recall counts nine times precision) out of fold.
  const pu = oof(urgentEx, URGENT_DENSE, 2);
  const urgentTh = bestThreshold(
    pu,
    urgentEx.map((e) => e.label),
    questionsOnly,
    (tp, fp, fn) => {
      const prec = tp / Math.max(1, tp + fp);
      const rec = tp / Math.max(1, tp + fn);
      return prec + rec === 0 ? 0 : (10 * prec * rec) / (9 * prec + rec);
    },
  );
  // Scope: the lowest threshold at which at most SCOPE_LET_THROUGH_RATE of the off-topic questions
  // are let through, out of fold (decision 0005, addendum of 2026-11-26 morning). An off-topic
  // question let through can be answered with fertility advice never asked for, a real question
  // refused gets a safe answer; the cost rules that traded the two (2 : 1, then 3 : 1, then "lowest
  // within one off-topic question of the minimum") sat on a cost curve flat from 0.76 to 0.91, so
  // every change to the scope features moved the threshold across it (real questions refused out of
  // fold 31 ↔ 70). The count let through falls steadily as the threshold rises, so a bound on it
  // picks nearly the same threshold whatever small change is made; the bound is the rate the cost
  // rules chose most of the time (4–5 %).
  const scopeWeight = 1;
  // A question naming an unambiguous reproductive concept is in scope whatever the classifier says
  // (run.ts, guardSignals): the threshold is chosen on the decisions the engine will make.
  const ps = oof(scopeEx, SCOPE_DENSE, scopeWeight).map((p, i) =>
    dense[i]!.aboutAnimal ? 0 : dense[i]!.decisive ? 1 : p,
  );
  const scopeTh = lowestThresholdLettingThrough(
    ps,
    scopeEx.map((e) => e.label),
    questionsOnly,
    SCOPE_LET_THROUGH_RATE,
  );
  // For whoever tunes the guards: `DUMP_OOF=1 fertility train guards` lists on stderr the training
  // questions each guard gets wrong out of fold at the chosen thresholds (docs/answering.md).
  if (process.env.DUMP_OOF) {
    data.forEach((d, i) => {
      if (!questionsOnly(i)) return;
      const inS = ps[i]! >= scopeTh.threshold;
      if (inS !== (d.inScope === 1))
        console.error(
          `SCOPE ${d.inScope ? 'REFUSED' : 'LETTHRU'}\t${ps[i]!.toFixed(3)}\t${d.source}\t${d.text.slice(0, 160)}`,
        );
      if (pu[i]! >= urgentTh.threshold !== (d.urgent === 1))
        console.error(
          `URGENT ${d.urgent ? 'MISSED' : 'FALSE'}\t${pu[i]!.toFixed(3)}\t${d.source}\t${d.text.slice(0, 160)}`,
        );
    });
  }

  // The engine does not send to urgent care a question the urgent classifier flags when no phrase of
  // any warning-sign rule is in it and the scope guard finds it off-topic (run.ts, guardSignals):
  // out of fold, how many warning-sign questions that would refuse (must be 0) and how many false
  // alarms it turns into refusals.
  const partialAt = URGENT_DENSE.indexOf('partialGroups');
  const ruleAt = URGENT_DENSE.indexOf('ruleUrgent');
  const offTopicWithoutPhrase = { urgent: 0, notUrgent: 0 };
  urgentEx.forEach((e, i) => {
    if (!questionsOnly(i) || pu[i]! < urgentTh.threshold || e.dense[ruleAt] === 1) return;
    if (e.dense[partialAt] !== 0 || ps[i]! >= scopeTh.threshold) return;
    if (e.label === 1) offTopicWithoutPhrase.urgent++;
    else offTopicWithoutPhrase.notUrgent++;
  });

  const urgent = trainAveragedTextClassifier(
    urgentEx,
    { ...hyper, denseNames: [...URGENT_DENSE], positiveWeight: 2 },
    GUARD_RUNS,
  );
  const scope = trainAveragedTextClassifier(
    scopeEx,
    { ...hyper, denseNames: [...SCOPE_DENSE], positiveWeight: scopeWeight },
    GUARD_RUNS,
  );
  const devHash = createHash('sha256').update(readFileSync(devPath)).digest('hex');
  const artifact: GuardArtifact = {
    kind: 'guard-classifiers',
    version: `grd-${createHash('sha256')
      .update(
        JSON.stringify([urgent.bias, scope.bias, urgentTh.threshold, scopeTh.threshold, devHash, set.sha256]),
      )
      .digest('hex')
      .slice(0, 12)}`,
    createdAt: new Date().toISOString(),
    trainingData: {
      guardDev: { path: 'eval/guards/dev.jsonl', sha256: devHash },
      guardExtra: existsSync(GUARD_EXTRA_FILE)
        ? {
            path: 'eval/guards/train-extra.jsonl',
            sha256: createHash('sha256').update(readFileSync(GUARD_EXTRA_FILE)).digest('hex'),
          }
        : null,
      questions: { path: set.files.join(' + '), sha256: set.sha256, split: 'fit' },
      bankTitles: serving.snapshot.entries.length,
      examples: data.length,
      hyperparameters: hyper,
    },
    urgent: { model: urgent, threshold: urgentTh.threshold },
    scope: { model: scope, threshold: scopeTh.threshold },
    fit: {
      urgentOutOfFold: urgentTh.confusion,
      scopeOutOfFold: scopeTh.confusion,
      urgentFlagsRefusedOffTopic: offTopicWithoutPhrase,
      thresholdRule: {
        urgent: `max F3 out of fold (mean of ${OOF_REPEATS} five-fold splits)`,
        scope: `lowest threshold letting through at most ${SCOPE_LET_THROUGH_RATE * 100} % of off-topic questions, out of fold (mean of ${OOF_REPEATS} five-fold splits)`,
      },
    },
  };
  GuardArtifactSchema.parse(artifact);
  return artifact;
}

/**
 * The lowest threshold at which at most `maxRate` of the negatives (label 0) among the included
 * examples score at or above it (the share let through).
 */
export function lowestThresholdLettingThrough(
  p: number[],
  y: number[],
  include: (i: number) => boolean,
  maxRate: number,
): { threshold: number; confusion: { tp: number; fp: number; fn: number; tn: number } } {
  const idx = p.map((_, i) => i).filter(include);
  const negatives = idx.filter((i) => y[i] === 0).length;
  const allowed = Math.floor(maxRate * negatives);
  return bestThreshold(p, y, include, (tp, fp) => (fp <= allowed ? 1 + tp / (idx.length + 1) : -fp), 0);
}

/**
 * The threshold with the best `score` out of fold; with a `tolerance`, the lowest threshold whose
 * score is within `tolerance` of the best (a tie-break across a flat curve, see the scope rule).
 */
export function bestThreshold(
  p: number[],
  y: number[],
  include: (i: number) => boolean,
  score: (tp: number, fp: number, fn: number, tn: number) => number,
  tolerance = 0,
): { threshold: number; confusion: { tp: number; fp: number; fn: number; tn: number } } {
  const idx = p.map((_, i) => i).filter(include);
  const cands = [...new Set(idx.map((i) => p[i]!))].sort((a, b) => a - b);
  const scored: Array<{
    threshold: number;
    s: number;
    confusion: { tp: number; fp: number; fn: number; tn: number };
  }> = [];
  let best = { threshold: 0.5, s: -Infinity, confusion: { tp: 0, fp: 0, fn: 0, tn: 0 } };
  for (const t of cands) {
    const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
    for (const i of idx) {
      const pos = p[i]! >= t;
      if (y[i] === 1) {
        if (pos) c.tp++;
        else c.fn++;
      } else if (pos) c.fp++;
      else c.tn++;
    }
    const s = score(c.tp, c.fp, c.fn, c.tn);
    scored.push({ threshold: t, s, confusion: c });
    if (s > best.s + 1e-12) best = { threshold: t, s, confusion: c };
  }
  if (tolerance > 0) {
    // Candidates are in increasing order: the first within the tolerance is the lowest.
    const lowest = scored.find((x) => x.s >= best.s - tolerance - 1e-12);
    if (lowest) best = lowest;
  }
  return { threshold: best.threshold, confusion: best.confusion };
}
