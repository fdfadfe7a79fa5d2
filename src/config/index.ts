/**
 * @module config
 * One schema for every setting of the answer engine, parsed once and frozen. Every number that
 * shapes ranking, packing, synthesis or abstention is named here and written to each answer's
 * audit record (no silent defaults in scoring). Environment variables use the FERTILITY_ prefix.
 */
import { z } from 'zod';
import { KNOWLEDGE_DIR, MODELS_DIR } from '../paths.js';
import { join } from 'node:path';

const Weight = z.number().min(0).max(100);

export const EngineConfigSchema = z.strictObject({
  knowledgeDir: z.string().default(KNOWLEDGE_DIR),
  limits: z
    .strictObject({
      /** Questions longer than this are refused with `question-too-long` (characters). */
      maxQuestionChars: z.number().int().min(10).max(100_000).default(2000),
      /** Time budget for an optional language model call. */
      llmTimeoutMs: z.number().int().min(100).max(120_000).default(20_000),
    })
    .default({ maxQuestionChars: 2000, llmTimeoutMs: 20_000 }),
  retrieval: z
    .strictObject({
      /** Candidates taken from each retriever before fusion. */
      candidates: z.number().int().min(5).max(500).default(40),
      /** Reciprocal rank fusion: score = Σ weight / (k + rank). */
      rrfK: z.number().min(1).max(1000).default(10),
      weights: z
        .strictObject({
          lexical: Weight.default(1),
          concept: Weight.default(0.25),
          dense: Weight.default(0),
          profile: Weight.default(0.5),
        })
        .default({ lexical: 1, concept: 0.25, dense: 0, profile: 0.5 }),
      /** Weight of terminology synonyms added to the lexical query for the question's concepts. */
      conceptExpansionWeight: z.number().min(0).max(5).default(0.35),
    })
    .default({
      candidates: 40,
      rrfK: 10,
      weights: { lexical: 1, concept: 0.25, dense: 0, profile: 0.5 },
      conceptExpansionWeight: 0.35,
    }),
  rerank: z
    .strictObject({
      /** Multipliers on the fused retrieval score by applicability to the profile. */
      applicability: z
        .strictObject({ met: Weight.default(1.25), unknown: Weight.default(1), notMet: Weight.default(0.35) })
        .default({ met: 1.25, unknown: 1, notMet: 0.35 }),
      /** Added per strength rank step (graded strong recommendation > conditional > fact). */
      strengthBonus: z.number().min(0).max(1).default(0.04),
      /** Added for sources published within `recentYears` of the newest in the bank. */
      recencyBonus: z.number().min(0).max(1).default(0.03),
      recentYears: z.number().int().min(0).max(50).default(5),
      /** Bonus when the entry is tagged with a concept the question names. */
      conceptBonus: z.number().min(0).max(2).default(0.1),
    })
    .default({
      applicability: { met: 1.25, unknown: 1, notMet: 0.35 },
      strengthBonus: 0.04,
      recencyBonus: 0.03,
      recentYears: 5,
      conceptBonus: 0.1,
    }),
  packing: z
    .strictObject({
      tokenBudget: z.number().int().min(50).max(100_000).default(900),
      maxItems: z.number().int().min(1).max(50).default(5),
      duplicateJaccard: z.number().min(0).max(1).default(0.8),
      /**
       * Evidence scoring below this fraction of the best candidate is not packed. 0.2 was chosen
       * out of fold on the fitting and training-only questions (0.1–0.35 tried; 0.2 gave the
       * calibrator its best AUROC): the learned relevance of a right second piece is often a
       * fifth to a third of a confident first one ("common causes of infertility" behind "most
       * couples conceive within two years").
       */
      relativeCutoff: z.number().min(0).max(1).default(0.2),
    })
    .default({ tokenBudget: 900, maxItems: 5, duplicateJaccard: 0.8, relativeCutoff: 0.2 }),
  recommend: z
    .strictObject({
      /** The most recommendations returned (ranked); the response says how many applied in all. */
      maxItems: z.number().int().min(1).max(1000).default(25),
    })
    .default({ maxItems: 25 }),
  synthesis: z
    .strictObject({
      mode: z.enum(['extractive', 'llm']).default('extractive'),
      llm: z
        .strictObject({
          baseUrl: z.string().url(),
          model: z.string().min(1),
          apiKeyEnv: z.string().default('FERTILITY_LLM_API_KEY'),
          temperature: z.number().min(0).max(2).default(0),
          maxTokens: z.number().int().min(16).max(8000).default(500),
          maxRemovedFraction: z.number().min(0).max(1).default(0.34),
        })
        .optional(),
    })
    .default({ mode: 'extractive' }),
  calibration: z
    .strictObject({
      /** The fitted confidence model (`fertility train calibrator`). */
      modelPath: z.string().default(join(MODELS_DIR, 'confidence-calibrator.json')),
      /** The fitted relevance re-ranker (`fertility train reranker`). */
      relevancePath: z.string().default(join(MODELS_DIR, 'relevance-reranker.json')),
      /** The fitted guard classifiers (`fertility train guards`). */
      guardsPath: z.string().default(join(MODELS_DIR, 'guard-classifiers.json')),
    })
    .default({
      modelPath: join(MODELS_DIR, 'confidence-calibrator.json'),
      relevancePath: join(MODELS_DIR, 'relevance-reranker.json'),
      guardsPath: join(MODELS_DIR, 'guard-classifiers.json'),
    }),
});

export type EngineConfig = Readonly<z.infer<typeof EngineConfigSchema>>;
export type EngineConfigInput = z.input<typeof EngineConfigSchema>;

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Parse settings (defaults filled in) and freeze them. Throws an Error naming each bad setting. */
export function parseEngineConfig(input: unknown = {}): EngineConfig {
  const r = EngineConfigSchema.safeParse(input ?? {});
  if (!r.success) {
    throw new Error(
      'invalid engine configuration: ' +
        r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  return deepFreeze(r.data);
}

/** Settings from FERTILITY_* environment variables (LLM endpoint, knowledge directory). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): EngineConfigInput {
  const cfg: EngineConfigInput = {};
  if (env.FERTILITY_KNOWLEDGE_DIR) cfg.knowledgeDir = env.FERTILITY_KNOWLEDGE_DIR;
  if (env.FERTILITY_LLM_BASE_URL && env.FERTILITY_LLM_MODEL) {
    cfg.synthesis = {
      mode: 'llm',
      llm: { baseUrl: env.FERTILITY_LLM_BASE_URL, model: env.FERTILITY_LLM_MODEL },
    };
  }
  return cfg;
}
