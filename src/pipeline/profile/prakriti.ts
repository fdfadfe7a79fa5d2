/**
 * @module pipeline/profile/prakriti
 * Prakriti (Ayurvedic constitution) as descriptive, exploratory context: the questionnaire and
 * the correlates are data (`clinical/prakriti/`). Scoring sums option weights into vata / pitta /
 * kapha proportions and names a dominant type by a documented margin (an engine parameter, not a
 * standard). Correlates come only from studies verified in `shared/domain/ayurveda.md`; they read
 * classifications but never change one, and always rank below guideline evidence.
 */
import { z } from 'zod';
import type { Partner, PrakritiAnswers } from '../../domain/intake.js';
import { issue, type Issue } from '../../domain/issues.js';
import type { Classification, Correlate, Dosha, PrakritiResult } from '../../domain/profile.js';
import { TracedSourceSchema } from '../../domain/source.js';
import { loadClinicalYaml } from './criteria.js';

const DOSHAS = ['vata', 'pitta', 'kapha'] as const satisfies readonly Dosha[];
const Weights = z.object({ vata: z.number().min(0), pitta: z.number().min(0), kapha: z.number().min(0) });

export const QuestionnaireSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  validated: z.literal(false),
  scoring: z.object({
    dominanceMargin: z.number().min(0).max(1),
    minAnsweredFraction: z.number().min(0).max(1),
  }),
  items: z
    .array(
      z.object({
        id: z.string(),
        label: z.string(),
        appliesTo: z.enum(['female', 'male']).optional(),
        options: z.array(z.object({ id: z.string(), label: z.string(), weights: Weights })).min(2),
      }),
    )
    .min(20),
});
export type Questionnaire = z.infer<typeof QuestionnaireSchema>;

export const CorrelatesSchema = z.object({
  correlates: z.array(
    z.object({
      id: z.string(),
      when: z.object({
        scored: z.literal(true),
        classification: z.string().optional(),
        values: z.array(z.string()).optional(),
      }),
      signal: z.string(),
      statement: z.string(),
      kaphaNote: z.string().optional(),
      study: z.object({ design: z.string(), population: z.string(), n: z.number().int().positive() }),
      evidence: z.enum(['very-low', 'low', 'moderate']),
      source: TracedSourceSchema,
    }),
  ),
  caveats: z.array(z.object({ statement: z.string(), source: TracedSourceSchema })),
  evidenceGaps: z.array(
    z.object({
      topic: z.string(),
      statement: z.string(),
      basis: z.string(),
      always: z.boolean().optional(),
      whenPcos: z.boolean().optional(),
    }),
  ),
  disclaimer: z.string(),
});
export type PrakritiCorrelates = z.infer<typeof CorrelatesSchema>;

let cached: { questionnaire: Questionnaire; correlates: PrakritiCorrelates } | undefined;

/** The questionnaire and correlates, loaded once. */
export function loadPrakriti(): { questionnaire: Questionnaire; correlates: PrakritiCorrelates } {
  cached ??= {
    questionnaire: loadClinicalYaml('prakriti/questionnaire.yaml', QuestionnaireSchema),
    correlates: loadClinicalYaml('prakriti/correlates.yaml', CorrelatesSchema),
  };
  return cached;
}

export interface PrakritiScore {
  answered: number;
  items: number;
  raw: Record<Dosha, number>;
  proportions: Record<Dosha, number>;
  dominant: string | null;
  dominance: 'single' | 'dual' | 'tridosha' | null;
  rule: string;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
// Proportions are sums of small rationals; compare margins with a tolerance so that 0.1 is 0.1.
const EPS = 1e-9;

/** Score answers; unknown or inapplicable answers are reported and not scored. */
export function scorePrakriti(
  p: PrakritiAnswers,
  q: Questionnaire,
): { score: PrakritiScore; warnings: Issue[] } {
  const warnings: Issue[] = [];
  const subject = p.subject;
  const raw: Record<Dosha, number> = { vata: 0, pitta: 0, kapha: 0 };
  let answered = 0;
  const byId = new Map(q.items.map((i) => [i.id, i]));
  for (const [qid, oid] of Object.entries(p.answers)) {
    const path = `prakriti.answers.${qid}`;
    const item = byId.get(qid);
    if (!item) {
      warnings.push(
        issue(
          'prakriti-answer-unknown',
          `${path}: "${qid}" is not a question of ${q.name} ${q.version}; not scored`,
          { path },
        ),
      );
      continue;
    }
    if (item.appliesTo && subject && item.appliesTo !== subject) {
      warnings.push(
        issue(
          'prakriti-answer-unknown',
          `${path}: this question applies to the ${item.appliesTo} partner only; not scored`,
          { path },
        ),
      );
      continue;
    }
    const opt = item.options.find((o) => o.id === oid);
    if (!opt) {
      const ids = item.options.map((o) => o.id).join(', ');
      warnings.push(
        issue('prakriti-answer-unknown', `${path}: option "${oid}" is not one of ${ids}; not scored`, {
          path,
        }),
      );
      continue;
    }
    for (const d of DOSHAS) raw[d] += opt.weights[d];
    answered++;
  }
  // Items that apply to this person: sex-specific items count only when the subject is known and
  // matches (or, subject unknown, when answered).
  const applicable = q.items.filter(
    (i) => !i.appliesTo || (subject ? i.appliesTo === subject : i.id in p.answers),
  ).length;
  const total = raw.vata + raw.pitta + raw.kapha;
  const proportions = Object.fromEntries(
    DOSHAS.map((d) => [d, total > 0 ? round3(raw[d] / total) : 0]),
  ) as Record<Dosha, number>;
  const { dominanceMargin: m, minAnsweredFraction: f } = q.scoring;
  const rule =
    `${q.name} ${q.version} (own descriptive instrument, not validated): proportions = each dosha's weight sum / total; ` +
    `single type when the top dosha leads the second by ≥ ${m}; dual when the top two lead the third by ≥ ${m}; else tridosha. ` +
    `Scored only when ≥ ${Math.round(f * 100)}% of applicable items are answered. The margin is an engine parameter, not a published standard`;
  const base = { answered, items: applicable, raw, proportions, rule };
  if (applicable === 0 || answered / applicable < f - EPS || total === 0) {
    return { score: { ...base, dominant: null, dominance: null }, warnings };
  }
  const sorted = [...DOSHAS].sort((a, b) => raw[b] - raw[a]);
  const share = (d: Dosha) => raw[d] / total;
  const [d0, d1, d2] = sorted as [Dosha, Dosha, Dosha];
  if (share(d0) - share(d1) >= m - EPS)
    return { score: { ...base, dominant: d0, dominance: 'single' }, warnings };
  if (share(d1) - share(d2) >= m - EPS) {
    const pair = DOSHAS.filter((d) => d === d0 || d === d1).join('-');
    return { score: { ...base, dominant: pair, dominance: 'dual' }, warnings };
  }
  return { score: { ...base, dominant: 'tridosha', dominance: 'tridosha' }, warnings };
}

/**
 * The Prakriti section of the profile. `classes` is read-only access to the classifications
 * already made (correlates may read them, never change them).
 */
export function buildPrakriti(
  p: PrakritiAnswers | undefined,
  classes: (id: string) => Classification | undefined,
  pcosRelevant: boolean,
  data = loadPrakriti(),
): { result: PrakritiResult | null; warnings: Issue[] } {
  if (!p) return { result: null, warnings: [] };
  const { questionnaire: q, correlates: c } = data;
  const { score, warnings } = scorePrakriti(p, q);
  const subject: Partner | null = p.subject ?? null;
  const correlates: Correlate[] = [];
  for (const k of c.correlates) {
    if (k.when.scored && score.dominant === null) continue;
    if (k.when.classification) {
      if (!subject) continue;
      const cl = classes(k.when.classification.replace('{subject}', subject));
      if (!cl || !(k.when.values ?? []).includes(cl.value)) continue;
    }
    const kapha = score.dominant !== null && score.dominant.split('-').includes('kapha');
    correlates.push({
      id: k.id,
      signal: `${k.signal} (${score.dominant}${subject ? `, ${subject} partner` : ''})`,
      statement: kapha && k.kaphaNote ? `${k.statement} ${k.kaphaNote}` : k.statement,
      study: k.study,
      evidence: k.evidence,
      label: 'exploratory',
      belowGuidelineEvidence: true,
      source: k.source,
    });
  }
  if (!subject && c.correlates.some((k) => k.when.classification)) {
    warnings.push(
      issue(
        'prakriti-answer-unknown',
        'prakriti.subject not given: signals combined with a partner’s clinical data were not evaluated',
        { path: 'prakriti.subject', severity: 'info' },
      ),
    );
  }
  const evidenceGaps = c.evidenceGaps
    .filter((g) => g.always || (g.whenPcos && pcosRelevant))
    .map(({ topic, statement, basis }) => ({ topic, statement, basis }));
  return {
    result: {
      instrument: { id: q.id, name: q.name, version: q.version, validated: false },
      subject,
      answered: score.answered,
      items: score.items,
      raw: score.raw,
      vata: score.proportions.vata,
      pitta: score.proportions.pitta,
      kapha: score.proportions.kapha,
      dominant: score.dominant,
      dominance: score.dominance,
      rule: score.rule,
      correlates,
      evidenceGaps,
      caveats: c.caveats,
      disclaimer: c.disclaimer,
    },
    warnings,
  };
}
