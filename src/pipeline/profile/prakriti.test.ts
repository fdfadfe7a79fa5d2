import { describe, expect, test } from 'vitest';
import type { Classification } from '../../domain/profile.js';
import { PrakritiResultSchema } from '../../domain/profile.js';
import { buildPrakriti, loadPrakriti, scorePrakriti } from './prakriti.js';

const { questionnaire: q } = loadPrakriti();
const general = q.items.filter((i) => !i.appliesTo);
/** Answer the general items: the first `v` with a, the next `p` with b, the rest with c. */
function answers(v: number, p: number): Record<string, string> {
  return Object.fromEntries(general.map((it, k) => [it.id, k < v ? 'a' : k < v + p ? 'b' : 'c']));
}
const n = general.length; // 23 general items + 1 female-only item

describe('Prakriti questionnaire data', () => {
  test('at least 20 items, each option weighted to the three doshas, stated as not validated', () => {
    expect(q.items.length).toBeGreaterThanOrEqual(20);
    expect(q.validated).toBe(false);
    for (const it of q.items)
      for (const o of it.options) expect(Object.keys(o.weights).sort()).toEqual(['kapha', 'pitta', 'vata']);
  });
  test.each([
    'frame',
    'weight-tendency',
    'skin',
    'hair',
    'appetite',
    'digestion',
    'thirst',
    'bowel-habit',
    'sleep',
    'temperament',
    'memory',
    'speech',
    'gait',
    'climate',
    'menstrual-pattern',
  ])('covers %s', (id) => expect(q.items.some((i) => i.id === id)).toBe(true));
});

describe('scorePrakriti', () => {
  test('proportions are shares of the weight sums', () => {
    const { score } = scorePrakriti({ subject: 'male', answers: answers(12, 6) }, q);
    expect(score.raw).toEqual({ vata: 12, pitta: 6, kapha: n - 18 });
    expect(score.proportions.vata).toBeCloseTo(12 / n, 3);
  });

  // The dominance margin (0.10 in the data) at, just below and just above: with 20 answers one
  // item is 0.05, so a lead of 2 items is exactly the margin.
  const twenty = general.slice(0, 20);
  const ans = (v: number, p: number) =>
    Object.fromEntries(twenty.map((it, k) => [it.id, k < v ? 'a' : k < v + p ? 'b' : 'c']));
  test.each([
    [9, 7, 'vata', 'single'], // 0.45 − 0.35 = 0.10 → single
    [8, 7, 'vata-pitta', 'dual'], // 0.40 − 0.35 = 0.05 < margin; 0.35 − 0.25 = 0.10 → dual
    [10, 7, 'vata', 'single'],
    [7, 7, 'tridosha', 'tridosha'], // 0.35, 0.35, 0.30: the top two lead the third by only 0.05
    [6, 7, 'tridosha', 'tridosha'], // 0.30, 0.35, 0.35
  ])('%d vata / %d pitta answers of 20 → %s (%s)', (v, p, dominant, dominance) => {
    const { score } = scorePrakriti(
      { subject: 'male', answers: ans(v, p) },
      { ...q, scoring: { ...q.scoring, minAnsweredFraction: 0 } },
    );
    expect(score.dominant).toBe(dominant);
    expect(score.dominance).toBe(dominance);
  });

  test('too few answers are not scored', () => {
    const few = Object.fromEntries(general.slice(0, 10).map((it) => [it.id, 'a']));
    const { score } = scorePrakriti({ subject: 'female', answers: few }, q);
    expect(score.dominant).toBeNull();
  });

  test('unknown questions and options, and questions for the other partner, are reported and not scored', () => {
    const { score, warnings } = scorePrakriti(
      { subject: 'male', answers: { ...answers(n, 0), nope: 'a', frame: 'z', 'menstrual-pattern': 'a' } },
      q,
    );
    expect(warnings.map((w) => w.path)).toEqual([
      'prakriti.answers.frame',
      'prakriti.answers.nope',
      'prakriti.answers.menstrual-pattern',
    ]);
    expect(warnings.every((w) => w.code === 'prakriti-answer-unknown')).toBe(true);
    expect(score.answered).toBe(n - 1);
  });
});

describe('buildPrakriti', () => {
  const bmi = (value: string) => (id: string) =>
    id === 'bmi-female' ? ({ id, value } as Classification) : undefined;
  const kaphaAnswers = { ...answers(2, 2), 'menstrual-pattern': 'c' };

  test('kapha-dominant with a raised BMI → the BMI correlate, exploratory, sourced, below guidelines, with the traditional-theory note', () => {
    const { result } = buildPrakriti({ subject: 'female', answers: kaphaAnswers }, bmi('obese'), false);
    PrakritiResultSchema.parse(result);
    expect(result!.dominant).toBe('kapha');
    expect(result!.correlates).toHaveLength(1);
    const c = result!.correlates[0]!;
    expect(c).toMatchObject({
      label: 'exploratory',
      belowGuidelineEvidence: true,
      evidence: 'moderate',
      study: { n: 3416 },
    });
    expect(c.statement).toMatch(/traditional-theory statement/);
    expect(c.source.doi).toBe('10.4103/0975-9476.140478');
  });

  test('normal BMI → no correlate; the absence of fertility evidence is always stated', () => {
    const { result } = buildPrakriti({ subject: 'female', answers: kaphaAnswers }, bmi('normal'), false);
    expect(result!.correlates).toEqual([]);
    expect(result!.evidenceGaps.map((g) => g.topic)).toEqual(['fertility outcomes']);
    expect(result!.evidenceGaps[0]!.statement).toMatch(/semen quality/);
  });

  test('PCOS relevant → the PCOS and insulin-resistance evidence gaps are stated', () => {
    const { result } = buildPrakriti({ subject: 'female', answers: kaphaAnswers }, bmi('normal'), true);
    expect(result!.evidenceGaps.map((g) => g.topic)).toEqual([
      'fertility outcomes',
      'PCOS',
      'insulin resistance',
    ]);
  });

  test('without a subject, combined signals are not evaluated and that is said', () => {
    const { result, warnings } = buildPrakriti({ answers: kaphaAnswers }, bmi('obese'), false);
    expect(result!.correlates).toEqual([]);
    expect(warnings.some((w) => w.path === 'prakriti.subject')).toBe(true);
  });

  test('the disclaimer and the reliability caveat are always present', () => {
    const { result } = buildPrakriti({ answers: {} }, () => undefined, false);
    expect(result!.disclaimer).toMatch(/Not a diagnosis/);
    expect(result!.caveats[0]!.statement).toMatch(/kappa of 0.28/);
    expect(result!.dominant).toBeNull();
  });

  test('no answers section → no Prakriti section', () =>
    expect(buildPrakriti(undefined, () => undefined, false).result).toBeNull());
});
