import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import { KnowledgeBank } from '../kb/bank.js';
import { loadBank } from '../kb/load.js';
import { generateBankEntries } from '../kb/testing/generate-bank.js';
import { KNOWLEDGE_DIR, PROJECT_ROOT } from '../paths.js';
import { getVocabulary } from '../terminology/index.js';
import type { Calibrator } from './calibrate/calibrator.js';
import type { LearnedGuards } from './guard/learned.js';
import { GENERAL_CONCEPT } from './guard/urgent.js';
import { evaluateApplicability } from './rerank/applicability.js';
import { strengthRank } from './rerank/index.js';
import { KnowledgeIndex } from './retrieve/knowledge.js';
import { makeServing, prepare, warningSignsFor } from './run.js';
import { synthesizeExtractive } from './synthesize/extractive.js';

describe('warningSignsFor (what an urgent answer cites)', () => {
  it('gives the same entries, in the same order, as a scan of every warning sign', async () => {
    // The starter bank plus synthetic entries: many warning signs share concepts, so the
    // per-concept lists overlap and the first three must be merged across them.
    const entries = [
      ...loadBank(KNOWLEDGE_DIR).entries.map((f) => f.data),
      ...generateBankEntries({ entries: 3000, seed: 5 }).map((x) => x.entry),
    ];
    const snapshot = (await KnowledgeBank.fromEntries(entries)).current();
    const vocabulary = getVocabulary();
    const serving = makeServing(snapshot, new KnowledgeIndex(snapshot, vocabulary));
    expect(serving.warningSigns.length).toBeGreaterThan(50);
    const concepts = [GENERAL_CONCEPT, ...new Set(serving.warningSigns.flatMap((e) => e.concepts))];
    // Broader concepts too: their warning signs are those of their narrower concepts as well.
    for (const c of [...concepts]) concepts.push(...vocabulary.ancestors(c));
    let nonEmpty = 0;
    for (const concept of new Set(concepts)) {
      const related = new Set([concept, ...vocabulary.descendants(concept)]);
      const scanned = serving.warningSigns.filter(
        (e) => concept === GENERAL_CONCEPT || e.concepts.some((c) => related.has(c)),
      );
      for (const limit of [1, 3, 10]) {
        const got = warningSignsFor(serving, concept, { vocabulary }, limit);
        expect(
          got.map((e) => e.id),
          `${concept}, first ${limit}`,
        ).toEqual(scanned.slice(0, limit).map((e) => e.id));
      }
      if (scanned.length > 3) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(5);
    expect(warningSignsFor(serving, 'no-such-concept', { vocabulary }, 3)).toEqual([]);
  });
});

describe('recommend on a large bank', () => {
  it('keeps the best recommendations of a full sort of every applicable entry', async () => {
    const entries = [
      ...loadBank(KNOWLEDGE_DIR).entries.map((f) => f.data),
      ...generateBankEntries({ entries: 3000, seed: 7 }).map((x) => x.entry),
    ];
    const bank = await KnowledgeBank.fromEntries(entries);
    const engine = await createEngine({ recommend: { maxItems: 10 } }, { bank });
    const serving = engine.internals.serving();
    const dir = join(PROJECT_ROOT, 'fixtures', 'intakes');
    let compared = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const intake: unknown = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const facts = await engine.internals.factsFor(intake);
      if (!facts) continue;
      // The reference: evaluate every conditional entry, score the met ones, sort them all.
      const ranked = serving.conditional
        .map((e) => ({ e, a: evaluateApplicability(e.applicability, facts) }))
        .filter((x) => x.a.truth === 'met')
        .map(({ e, a }) => ({
          e,
          because: a.because,
          score:
            leafs(e.applicability) +
            strengthRank(e.source) * 0.5 +
            (serving.newestYear - e.source.year <= engine.config.rerank.recentYears ? 0.25 : 0),
        }))
        .sort((a, b) => b.score - a.score || (a.e.id < b.e.id ? -1 : 1));
      const r = await engine.recommend(intake);
      expect(r.applicable, f).toBe(ranked.length);
      expect(
        r.recommendations.map((x) => [x.citations[0]!.id, x.appliesBecause]),
        f,
      ).toEqual(ranked.slice(0, 10).map((x) => [`kb:${x.e.id}`, x.because]));
      if (ranked.length > 10) compared++;
    }
    expect(compared).toBeGreaterThan(2);
  });
});

type Cond = Parameters<typeof evaluateApplicability>[0];
function leafs(c: Cond): number {
  if (!c) return 0;
  if ('fact' in c) return 1;
  if ('all' in c) return c.all.reduce((s, x) => s + leafs(x), 0);
  if ('any' in c) return Math.max(...c.any.map(leafs));
  return leafs(c.not);
}

describe('novel question words (the calibrator’s novelWordsEn)', () => {
  it('does not count an inflection of a bank word as novel, and does count a word the bank never uses', async () => {
    const engine = await createEngine();
    const serving = engine.internals.serving();
    // "wombs" is not written in the bank, "womb" is: same index term, so not a novel word.
    expect(serving.index.knowsWord('wombs')).toBe(false);
    expect(serving.index.knowsWord('womb')).toBe(true);
    const inflected = await engine.askWithTrace('Do tilted wombs make conceiving harder?');
    const plain = await engine.askWithTrace('Does a tilted womb make conceiving harder?');
    expect(inflected.trace.features?.novelWordsEn).toBe(plain.trace.features?.novelWordsEn);
    // "raspberry" is an ordinary English word the bank never uses: it counts.
    const novel = await engine.askWithTrace('Does raspberry leaf tea make conceiving harder?');
    expect(novel.trace.features?.novelWordsEn).toBeGreaterThan(0);
  });
});

describe('a figure the question asks for and no evidence gives', () => {
  it('is named in the answer, citing the entries that lack it', async () => {
    const engine = await createEngine();
    const serving = engine.internals.serving();
    const deps = engine.internals.deps;
    const prepared = (question: string) => prepare({ question, facts: null }, serving, deps);
    // The rubella entry says to wait "the time your clinician advises": no number of months.
    const mmr = prepared('I had the MMR jab last week. How many months do I have to wait before trying?');
    expect(mmr.evidence.map((e) => e.key)).toContain('kb:nice-cg156-rubella-susceptibility');
    expect(mmr.quantityNotGiven).toBe('duration');
    const s = synthesizeExtractive(mmr.evidence, {
      queryTokens: mmr.understood.tokens,
      focusConcepts: mmr.understood.concepts,
      conceptLabel: (id) => id,
      conflictTerms: { isIntervention: () => false },
      quantityNotGiven: mmr.quantityNotGiven,
    });
    const note = s.statements.at(-1)!;
    expect(note.role).toBe('limitation');
    expect(note.text).toMatch(/^You asked for a length of time: th(is|ese) sources? do(es)? not give one/);
    expect(note.citations).toEqual(s.citations.map((c) => c.n));
    expect(s.answer).toContain(note.text);
    // The folic acid entry gives a dose (400–800 micrograms): nothing to say.
    const folic = prepared('What dose of folic acid should I take before getting pregnant?');
    expect(folic.evidence.map((e) => e.key)).toContain('kb:uspstf-2023-folic-acid');
    expect(folic.quantityNotGiven).toBeNull();
    // A cost stated in passing is not asked for.
    const stated = prepared(
      'The time-lapse incubator costs an extra 500 pounds. Does it improve our chances?',
    );
    expect(stated.quantityNotGiven).toBeNull();
  });

  it('counts a number only beside the question’s topic words, not its asking, unit or outcome words', async () => {
    const engine = await createEngine();
    const prepared = (question: string) =>
      prepare({ question, facts: null }, engine.internals.serving(), engine.internals.deps);
    // The bank has waiting times and pregnancy weeks, none about the wait after a miscarriage:
    // "after 12 weeks any bleeding needs review" shares only "after", "weeks" and the pregnancy.
    // (Worded "before trying to get pregnant again", the question shares two topic words, "trying"
    // and "pregnant", with the when-to-seek-help entries' "after 6 months of trying … no pregnancy",
    // and their 6 months count: a limit of matching words, not meaning.)
    const miscarriage = prepared(
      'After a miscarriage at 8 weeks, how long should we wait before the next pregnancy?',
    );
    expect(miscarriage.quantityNotGiven).toBe('duration');
    // A success rate is a live birth rate: the IVF live birth figures are not micro-TESE's.
    const tese = prepared('What is the success rate of micro-TESE for non-obstructive azoospermia?');
    expect(tese.quantityNotGiven).toBe('chance');
    // The figures that do answer still count: cumulative live birth after complete IVF cycles.
    const ivf = prepared('What are the odds of a baby after one complete IVF cycle, and after several?');
    expect(ivf.evidence.map((e) => e.key)).toContain('kb:cumulative-live-birth-uk-complete-cycles');
    expect(ivf.quantityNotGiven).toBeNull();
    const semen = prepared('What percentage of sperm should be moving forward in a normal semen analysis?');
    expect(semen.quantityNotGiven).toBeNull();
  });
});

describe('the commonest question: how long to try before seeing someone', () => {
  it('is answered from the when-to-seek-help entries, in the words couples use', async () => {
    const engine = await createEngine();
    const seekHelp = new Set([
      'kb:asrm-2023-evaluate-at-12-months-under-35',
      'kb:asrm-2023-evaluate-at-6-months-35-plus',
      'kb:nice-cg156-assessment-after-one-year',
      'kb:nice-cg156-early-referral-age-or-known-cause',
      'kb:asrm-2022-earlier-evaluation-when-history-suggests',
      'kb:icmart-2017-infertility-definition',
    ]);
    // Abstained until the entries' patient statements said "trying" and "fertility specialist"
    // and gave the 12 months as a number (2026-11-26, fourth session).
    for (const q of [
      'How long should we try before seeing a fertility specialist?',
      'When should we see a fertility doctor?',
      'Wie lange sollten wir es probieren, bevor wir zum Kinderwunscharzt gehen?',
      'How long do you have to be trying before it is called infertility?',
    ]) {
      const a = await engine.ask(q);
      expect(a.status, q).toBe('answered');
      expect(
        a.citations.some((c) => seekHelp.has(c.id)),
        q,
      ).toBe(true);
    }
  });
});

describe('practical questions after a procedure', () => {
  it('are not warning signs: no urgent alarm when nothing is happening, in six languages', async () => {
    // None of these is in the guards' training questions (train-after-procedure.jsonl has others).
    const engine = await createEngine();
    for (const q of [
      'After the egg retrieval tomorrow, how many days off work should I plan?',
      'Combien de jours d’arrêt de travail après la ponction ovocytaire ?',
      'Est-ce que je peux conduire le lendemain de la ponction ?',
      '¿Es seguro viajar en avión después de la transferencia?',
      'Kann ich nach der Punktion selbst nach Hause fahren?',
      'Quantos dias de atestado preciso depois da punção dos óvulos?',
      'كم يوم إجازة من الشغل أحتاج بعد سحب البويضات؟',
      'هل أقدر أسوق السيارة بعد سحب البويضات؟',
    ]) {
      const a = await engine.ask(q);
      expect(a.status, q).not.toBe('urgent');
      expect(a.status, q).not.toBe('out-of-scope');
    }
  });
});

describe('a value the question states', () => {
  // A classifier that finds every question off-topic: what is tested is that a stated value of an
  // analyte of a couple's care keeps the question in scope whatever it says, and that one of an
  // analyte general medicine shares does not (the trained model's scores move with each retraining).
  const refusingEverything: LearnedGuards = {
    version: 'test-refuses-everything',
    urgentThreshold: 0.99,
    scopeThreshold: 0.5,
    pUrgent: () => 0,
    pInScope: () => 0.1,
  };

  it('of a care analyte keeps the question in scope; of a shared one, or beside an animal, it does not', async () => {
    const engine = await createEngine({}, { learnedGuards: refusingEverything });
    const semen = await engine.askWithTrace('my SA says concentration 13 million/ml. is that low?');
    expect(semen.trace.stated.map((v) => v.field)).toEqual(['male.labs.sperm-concentration']);
    expect(semen.answer.status).not.toBe('out-of-scope');
    // TSH is one of the tests general medicine shares (scope.yaml ambiguousConcepts).
    const tsh = await engine.askWithTrace("My dad's TSH is 7.8, does he need tablets?");
    expect(tsh.trace.stated.length).toBeGreaterThan(0);
    expect(tsh.answer.status).toBe('out-of-scope');
    const dog = await engine.ask(
      'My dog had a semen test: concentration 13 million/ml. Is that low for a dog?',
    );
    expect(dog.status).toBe('out-of-scope');
  });

  it('sent with the couple’s profile, a question the word-list rule finds on topic stays in scope', async () => {
    const engine = await createEngine({}, { learnedGuards: refusingEverything });
    const profile = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'fixtures', 'intakes', 'unexplained.json'), 'utf8'),
    ) as unknown;
    const next = "Every test came back normal for both of us. What's our next step?";
    expect((await engine.ask(next)).status).toBe('out-of-scope');
    expect((await engine.ask(next, { profile })).status).not.toBe('out-of-scope');
    // A profile does not bring an off-topic question in, nor one about another person.
    expect((await engine.ask('What is the capital of France?', { profile })).status).toBe('out-of-scope');
    expect((await engine.ask("Does my dad's liver need checking again?", { profile })).status).toBe(
      'out-of-scope',
    );
  });
});

describe('a condition or treatment no entry is about', () => {
  // A calibrator that would answer anything: only the rule can make these abstain.
  const answersEverything: Calibrator = {
    version: 'test-answers-everything',
    threshold: 0.5,
    probability: () => 0.99,
  };

  it('abstains, saying which condition the bank lacks, whatever the calibrator says', async () => {
    const engine = await createEngine({}, { calibrator: answersEverything });
    const served = engine.knowledge().entries;
    // Adenomyosis is a condition of the terminology that no served entry is tagged with.
    expect(served.some((e) => e.concepts.includes('adenomyosis'))).toBe(false);
    const { answer, trace } = await engine.askWithTrace(
      "I've been told I have adenomyosis. Does it lower IVF success and should I have down-regulation first?",
    );
    expect(trace.concepts).toContain('adenomyosis');
    expect(answer.status).toBe('insufficient-evidence');
    expect(trace.probability).toBe(0);
    expect(answer.abstention?.reason).toContain('no entry of the knowledge bank is about adenomyosis');
    // A treatment no entry is about: the same.
    expect(served.some((e) => e.concepts.includes('acupuncture'))).toBe(false);
    const acupuncture = await engine.ask('Does acupuncture on the day of the embryo transfer help IVF work?');
    expect(acupuncture.status).toBe('insufficient-evidence');
    expect(acupuncture.abstention?.reason).toContain('acupuncture');
    // A condition the bank has entries on is answered as the calibrator says.
    expect(served.some((e) => e.concepts.includes('pcos'))).toBe(true);
    const pcos = await engine.ask('Does PCOS lower the chance of IVF working?');
    expect(pcos.status).toBe('answered');
  });
});

describe('warning signs the question denies', () => {
  it('are not evidence for it, and stay evidence when the question names their topic', async () => {
    const engine = await createEngine();
    const warningSignIds = new Set(
      engine
        .knowledge()
        .entries.filter((e) => e.kind === 'warning-sign' && e.concepts.includes('fever'))
        .map((e) => `kb:${e.id}`),
    );
    expect(warningSignIds.size).toBeGreaterThan(0);
    const denied = await engine.askWithTrace(
      'I have no fever and no pain after my transfer, is that normal?',
    );
    expect(denied.trace.negatedConcepts).toContain('fever');
    expect(denied.trace.candidates.filter((c) => warningSignIds.has(c.key))).toEqual([]);
    const asked = await engine.askWithTrace('Is a fever after egg collection a reason to call the clinic?');
    expect(asked.trace.candidates.some((c) => warningSignIds.has(c.key))).toBe(true);
  });
});

describe('an urgent flag that no warning-sign phrase explains', () => {
  // The learned classifiers, with the urgent one flagging every question: what the engine decides
  // from the flag is what is tested (the trained model's own scores move with every retraining).
  const flaggingEverything = (inScope: number): LearnedGuards => ({
    version: 'test-flags-everything',
    urgentThreshold: 0.5,
    scopeThreshold: 0.5,
    pUrgent: () => 0.9,
    pInScope: () => inScope,
  });

  it('refuses an off-topic question as out of scope instead of sending it to urgent care', async () => {
    const engine = await createEngine({}, { learnedGuards: flaggingEverything(0.1) });
    const a = await engine.ask('I sprained my ankle at football and it is swollen: ice or heat?');
    expect(a.status).toBe('out-of-scope');
  });

  it('keeps it urgent when the scope guard finds it on topic', async () => {
    const engine = await createEngine({}, { learnedGuards: flaggingEverything(0.9) });
    const a = await engine.ask('I sprained my ankle at football and it is swollen: ice or heat?');
    expect(a.status).toBe('urgent');
  });

  it('keeps it urgent when one phrase of a warning-sign rule is in it, even off-topic', async () => {
    const engine = await createEngine({}, { learnedGuards: flaggingEverything(0.1) });
    const a = await engine.ask('I have a fever and chills, what should I do?');
    expect(a.status).toBe('urgent');
  });
});

describe('sources that disagree', () => {
  it('says so, citing both, and names the intervention as it is shown to people', async () => {
    // NICE does not offer IUI for unexplained infertility; ASRM and ESHRE recommend it with stimulation.
    const engine = await createEngine();
    const a = await engine.ask('Should we try IUI for unexplained infertility?');
    expect(a.status).toBe('answered');
    const nice = a.citations.find((c) => c.source.body === 'NICE');
    expect(nice).toBeDefined();
    const withNice = (a.conflicts ?? []).filter((c) => c.citations.includes(nice!.n));
    expect(withNice.length).toBeGreaterThan(0);
    for (const c of withNice) expect(c.summary).toMatch(/^Sources differ on IUI: /);
    expect(a.statements.some((s) => s.role === 'conflict' && s.citations.includes(nice!.n))).toBe(true);
  });

  it('does not read a broad tag shared by two entries on different drugs as a disagreement', async () => {
    const engine = await createEngine();
    const { trace } = await engine.askWithTrace('Is letrozole better than clomid for PCOS?');
    expect(trace.features?.conflict).toBe(0);
  });
});
