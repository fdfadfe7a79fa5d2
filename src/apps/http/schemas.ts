/**
 * @module apps/http/schemas
 * The one set of zod schemas of the HTTP API: `app.ts` validates every request with them and
 * `openapi.ts` generates `/openapi.json` from the same objects, so the document cannot drift from
 * what the server accepts. Domain shapes (intake, profile, answer, observations) are the domain's
 * own schemas, re-used rather than copied.
 *
 * Each route is declared once in {@link ROUTES}: method, path, what it accepts, what it answers.
 */
import { z } from 'zod';
import { AnswerSchema, CitationSchema, StatementSchema } from '../../domain/answer.js';
import { IntakeSchema } from '../../domain/intake.js';
import { IssueCodeSchema } from '../../domain/issue-schema.js';
import { KnowledgeEntrySchema } from '../../domain/knowledge.js';
import { NormalizedReportSchema } from '../../domain/observation.js';
import { CoupleProfileSchema, MissingSchema } from '../../domain/profile.js';

/**
 * The named schemas of the API: each becomes `#/components/schemas/<id>` in the OpenAPI document.
 * A private registry (not zod's global one) so that nothing else can collide with these ids.
 */
export const API_SCHEMAS = z.registry<{ id: string; description?: string }>();

function named<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  API_SCHEMAS.add(schema as z.ZodType, description === undefined ? { id } : { id, description });
  return schema;
}

// ── limits ────────────────────────────────────────────────────────────────────────────────────

/** Largest JSON body of most routes (an intake with embedded lab texts fits easily). */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** Largest lab report accepted by `POST /v1/lab-reports/normalize` (PDFs with a text layer). */
export const LAB_REPORT_LIMIT = 10 * 1024 * 1024;
/** Largest knowledge bank accepted in the body of `POST /v1/knowledge/reload`. */
export const KNOWLEDGE_BODY_LIMIT = 20 * 1024 * 1024;

// ── shared pieces ─────────────────────────────────────────────────────────────────────────────

const Id = z.string().min(1).max(100).describe('A resource id (UUID) returned when it was created.');
const Partner = z.enum(['female', 'male']);

export const ErrorBodySchema = named(
  z.object({
    error: z.object({
      code: IssueCodeSchema.describe('Issue code from the catalog (docs/issues.md).'),
      message: z.string(),
      path: z.string().optional().describe('The field or part of the input at fault.'),
      retryable: z.boolean().describe('True when the same request may succeed later (503, 504).'),
      issues: z
        .array(
          z.object({
            code: IssueCodeSchema,
            severity: z.enum(['error', 'warning', 'info']),
            message: z.string(),
            path: z.string().optional(),
          }),
        )
        .optional()
        .describe('Every problem found, when there is more than one.'),
      requestId: z.string(),
    }),
  }),
  'Error',
);

export const IdParamsSchema = z.strictObject({ id: Id });

// ── lab reports ───────────────────────────────────────────────────────────────────────────────

const NormalizeOptionsShape = {
  sex: Partner.optional().describe('Sex of the person the report is about, when known (helps naming).'),
  filename: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Original file name: a hint for format detection.'),
  profileId: Id.optional().describe('Tie the stored observations to this saved profile.'),
  partner: Partner.optional().describe('Whose results these are, stored with them.'),
};

/** Query options for a report sent as a raw body (text, CSV, HL7, PDF, FHIR JSON). */
export const NormalizeQuerySchema = named(z.strictObject(NormalizeOptionsShape), 'NormalizeQuery');

/** A report sent as JSON text with its options. */
export const NormalizeTextBodySchema = named(
  z.strictObject({
    text: z.string().describe('The lab report: plain text, CSV/TSV, HL7 v2 ORU or FHIR JSON as text.'),
    ...NormalizeOptionsShape,
  }),
  'NormalizeText',
);

/** A FHIR R4 resource sent as the JSON body itself (Bundle, Observation, DiagnosticReport). */
export const FhirResourceSchema = named(
  z.looseObject({ resourceType: z.string().min(1) }),
  'FhirResource',
  'A FHIR R4 Bundle, Observation or DiagnosticReport.',
);

export const NormalizeJsonBodySchema = z.union([NormalizeTextBodySchema, FhirResourceSchema]);

export const StoredReportSchema = named(
  NormalizedReportSchema.extend({
    id: Id.describe('Id of the stored (de-identified) observation set.'),
    profileId: Id.nullable(),
    partner: Partner.nullable(),
    createdAt: z.string(),
  }),
  'StoredLabReport',
);

// ── profiles ──────────────────────────────────────────────────────────────────────────────────

export const IntakeBodySchema = named(IntakeSchema, 'Intake');
export const ProfileSchemaDoc = named(CoupleProfileSchema, 'Profile');

export const StoredProfileSchema = named(
  z.object({
    id: Id,
    createdAt: z.string(),
    knowledgeVersion: z.string().nullable(),
    intakeHash: z.string().describe('sha256 of the stored intake; what audit records cite.'),
    intake: z
      .record(z.string(), z.unknown())
      .describe(
        'The intake as stored: lab report texts are replaced by the structured results read from them.',
      ),
    profile: ProfileSchemaDoc,
  }),
  'StoredProfile',
);

export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, 1–200 (default 50).'),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page.'),
});

export const ProfileListSchema = named(
  z.object({
    items: z.array(StoredProfileSchema.omit({ intake: true })),
    nextCursor: z.string().nullable(),
  }),
  'ProfileList',
);

// ── answers ───────────────────────────────────────────────────────────────────────────────────

export const AskRequestSchema = named(
  z.strictObject({
    question: z
      .string()
      .describe('The question, in any supported language (at most 2,000 characters by default).'),
    profile: IntakeBodySchema.optional().describe(
      'A couple intake; the answer is then specific to this couple.',
    ),
  }),
  'AskRequest',
);

export const AnswerSchemaDoc = named(AnswerSchema, 'Answer');

export const RecommendationItemSchema = named(
  z.object({
    status: z.literal('answered'),
    answer: z.string(),
    statements: z.array(StatementSchema),
    citations: z.array(CitationSchema),
    confidence: z.number().min(0).max(1),
    appliesBecause: z.array(z.string()),
    kind: z.string(),
    conflictsWith: z.array(z.string()).optional(),
  }),
  'Recommendation',
);

export const RecommendationsSchema = named(
  z.object({
    profileId: Id,
    recommendations: z.array(RecommendationItemSchema),
    /** How many recommendations applied in all; the list is cut to the engine's recommend.maxItems. */
    applicable: z.number().int(),
    missing: z.array(MissingSchema),
    kb: z.object({ version: z.string(), entries: z.number().int() }),
    timings: z.object({ totalMs: z.number() }),
  }),
  'Recommendations',
);

// ── knowledge ─────────────────────────────────────────────────────────────────────────────────

export const KnowledgeQuerySchema = named(
  z.strictObject({
    topic: z.string().max(100).optional().describe('Topic folder of the entry (e.g. `ivf`, `male-factor`).'),
    concept: z.string().max(100).optional().describe('Entries tagged with this concept or analyte id.'),
    body: z.string().max(100).optional().describe('Source body, case-insensitive (e.g. `NICE`, `ESHRE`).'),
    kind: z.enum(['recommendation', 'fact', 'definition', 'warning-sign']).optional(),
    q: z.string().max(200).optional().describe('Words that must all appear in the title or statements.'),
    limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, 1–200 (default 50).'),
    cursor: z.string().max(20).optional().describe('`nextCursor` of the previous page.'),
  }),
  'KnowledgeQuery',
);

export const KnowledgeEntryDocSchema = named(
  KnowledgeEntrySchema.extend({
    topic: z.string().nullable().describe('Topic folder, when the version was published from a directory.'),
  }),
  'KnowledgeEntry',
);

export const KnowledgeEntriesSchema = named(
  z.object({
    version: z.string().describe('The knowledge version these entries belong to (what answers cite).'),
    total: z.number().int().describe('Entries matching the filters.'),
    items: z.array(KnowledgeEntryDocSchema),
    nextCursor: z.string().nullable(),
  }),
  'KnowledgeEntries',
);

export const ReloadRequestSchema = named(
  z.strictObject({
    entries: z
      .array(z.looseObject({ id: z.string() }))
      .max(100_000)
      .optional()
      .describe(
        'A whole bank as entry objects (any status; each may carry `topic`). Absent: the server re-reads its knowledge directory.',
      ),
    note: z
      .string()
      .max(500)
      .optional()
      .describe('Why this version is published (kept with the publication).'),
  }),
  'ReloadRequest',
);

export const PublicationSchema = named(
  z.object({
    n: z.number().int(),
    version: z.string(),
    publishedAt: z.string(),
    publishedBy: z.string(),
    note: z.string().nullable(),
    entryCount: z.number().int(),
  }),
  'Publication',
);

export const ReloadResponseSchema = named(
  z.object({
    version: z.string(),
    changed: z.boolean().describe('False when the bank was already the current version.'),
    publication: PublicationSchema,
    entries: z.number().int().describe('Published entries now served.'),
    warnings: z.array(z.object({ code: IssueCodeSchema, message: z.string(), path: z.string().optional() })),
  }),
  'ReloadResult',
);

export const VersionsSchema = named(
  z.object({
    serving: z.object({
      version: z.string(),
      publication: z.number().int().nullable(),
      entries: z.number().int(),
    }),
    publications: z.array(PublicationSchema),
  }),
  'KnowledgeVersions',
);

export const VersionsQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe('At most this many, newest first (default 100).'),
});

// ── prakriti ──────────────────────────────────────────────────────────────────────────────────

/**
 * The Prakriti questionnaire as a person answers it (for the web UI's intake form): items and
 * options with their ids and labels. The scoring weights are left out on purpose: showing which
 * dosha an option points to would steer the answers.
 */
export const PrakritiQuestionnaireSchema = named(
  z.object({
    id: z.string(),
    name: z.string(),
    version: z.string(),
    validated: z.literal(false).describe("Always false: the engine's own descriptive instrument."),
    minAnsweredFraction: z
      .number()
      .describe('Share of the items that apply to the person that must be answered for a score.'),
    disclaimer: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        appliesTo: z.enum(['female', 'male']).optional().describe('Only asked of this partner.'),
        options: z.array(z.object({ id: z.string(), label: z.string() })),
      }),
    ),
  }),
  'PrakritiQuestionnaire',
);

// ── operations ────────────────────────────────────────────────────────────────────────────────

export const HealthSchema = named(
  z.object({
    status: z.enum(['ok', 'degraded']).describe('`degraded` (with 503) when the database cannot be reached.'),
    uptimeSeconds: z.number(),
    store: z.object({
      driver: z.enum(['sqlite', 'postgres']),
      ok: z.boolean(),
      latencyMs: z.number().nullable(),
      error: z.string().optional(),
    }),
    knowledge: z.object({
      version: z.string(),
      entries: z.number().int(),
      publication: z.number().int().nullable(),
      loadedAt: z.string(),
    }),
    auth: z.enum(['none', 'api-key']).describe('`none`: no API key exists yet (local single-clinic mode).'),
  }),
  'Health',
);

// ── the routes ────────────────────────────────────────────────────────────────────────────────

/** A response a route may give (for the OpenAPI document). */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
}

/** One route, declared once: `app.ts` registers and validates it, `openapi.ts` documents it. */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Fastify path syntax (`/v1/profiles/:id`); OpenAPI gets `{id}`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'lab-reports' | 'profiles' | 'answers' | 'knowledge' | 'operations';
  /** Under `/v1`: needs `Authorization: Bearer KEY` once any key exists. */
  auth: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  /** The JSON body schema; `raw` lists other accepted media types (validated by the handler). */
  body?: { schema: z.ZodType; required: boolean; raw?: string[] };
  responses: Record<number, ResponseSpec>;
  bodyLimit?: number;
  /** Time limit for the whole request (504 `timeout` after it). */
  timeoutMs?: number;
}

/** Media types accepted as a raw lab report body (besides JSON). */
export const LAB_REPORT_MEDIA_TYPES = [
  'text/plain',
  'text/csv',
  'text/tab-separated-values',
  'application/hl7-v2',
  'x-application/hl7-v2+er7',
  'application/fhir+json',
  'application/pdf',
  'application/octet-stream',
];

export const ROUTES = {
  normalize: {
    method: 'POST',
    url: '/v1/lab-reports/normalize',
    operationId: 'normalizeLabReport',
    summary: 'Lab report → canonical observations (stored, de-identified, for the calling clinic)',
    description:
      'Send the report as the raw body (text, CSV, HL7 v2, FHIR JSON, PDF with a text layer; options in the query string) ' +
      'or as JSON `{ "text": … }`. Personal identifiers are removed before anything is stored or returned. ' +
      'A report that cannot be read is a 400 naming why (`format-unknown`, `fhir-invalid`, `hl7-invalid`, `pdf-no-text-layer`, …).',
    tag: 'lab-reports',
    auth: true,
    query: NormalizeQuerySchema,
    body: { schema: NormalizeJsonBodySchema, required: true, raw: LAB_REPORT_MEDIA_TYPES },
    responses: { 201: { description: 'The normalized report, as stored.', schema: StoredReportSchema } },
    bodyLimit: LAB_REPORT_LIMIT,
    timeoutMs: 30_000,
  },
  getLabReport: {
    method: 'GET',
    url: '/v1/lab-reports/:id',
    operationId: 'getLabReport',
    summary: 'A stored normalized lab report of the calling clinic',
    tag: 'lab-reports',
    auth: true,
    params: IdParamsSchema,
    responses: { 200: { description: 'The stored report.', schema: StoredReportSchema } },
  },
  createProfile: {
    method: 'POST',
    url: '/v1/profiles',
    operationId: 'createProfile',
    summary: 'Couple intake → couple profile (stored for the calling clinic)',
    tag: 'profiles',
    auth: true,
    body: { schema: IntakeBodySchema, required: true },
    responses: { 201: { description: 'The stored profile.', schema: StoredProfileSchema } },
    timeoutMs: 30_000,
  },
  listProfiles: {
    method: 'GET',
    url: '/v1/profiles',
    operationId: 'listProfiles',
    summary: "The calling clinic's profiles, newest first",
    tag: 'profiles',
    auth: true,
    query: PageQuerySchema,
    responses: { 200: { description: 'One page of profiles.', schema: ProfileListSchema } },
  },
  getProfile: {
    method: 'GET',
    url: '/v1/profiles/:id',
    operationId: 'getProfile',
    summary: 'A stored profile (404 for another clinic’s id)',
    tag: 'profiles',
    auth: true,
    params: IdParamsSchema,
    responses: { 200: { description: 'The stored profile.', schema: StoredProfileSchema } },
  },
  recommend: {
    method: 'POST',
    url: '/v1/profiles/:id/recommendations',
    operationId: 'recommendForProfile',
    summary: 'Ranked, cited recommendations for a stored profile (audited)',
    tag: 'profiles',
    auth: true,
    params: IdParamsSchema,
    responses: { 200: { description: 'Recommendations with citations.', schema: RecommendationsSchema } },
    timeoutMs: 10_000,
  },
  ask: {
    method: 'POST',
    url: '/v1/ask',
    operationId: 'ask',
    summary: 'Evidence-grounded answer or abstention (audited)',
    description:
      '`status` is `answered`, `insufficient-evidence` (an abstention: says what is missing), `out-of-scope` or `urgent`; all are 200. ' +
      'The `x-audit-record` header names the audit record written for this answer.',
    tag: 'answers',
    auth: true,
    body: { schema: AskRequestSchema, required: true },
    responses: { 200: { description: 'The answer.', schema: AnswerSchemaDoc } },
    timeoutMs: 10_000,
  },
  knowledgeEntries: {
    method: 'GET',
    url: '/v1/knowledge/entries',
    operationId: 'listKnowledgeEntries',
    summary: 'Published knowledge entries of the version being served (paged, filterable)',
    tag: 'knowledge',
    auth: true,
    query: KnowledgeQuerySchema,
    responses: { 200: { description: 'One page of entries.', schema: KnowledgeEntriesSchema } },
  },
  knowledgeReload: {
    method: 'POST',
    url: '/v1/knowledge/reload',
    operationId: 'reloadKnowledge',
    summary: 'Validate and publish a knowledge version; every replica swaps to it',
    description:
      'Without `entries`, re-reads the server’s knowledge directory. An invalid bank is refused (400 `kb-rejected`, ' +
      'with every validation error) and the previous version keeps serving. Needs a knowledge-admin tenant once API keys exist.',
    tag: 'knowledge',
    auth: true,
    body: { schema: ReloadRequestSchema, required: false },
    responses: { 200: { description: 'The published version, now served.', schema: ReloadResponseSchema } },
    bodyLimit: KNOWLEDGE_BODY_LIMIT,
    timeoutMs: 60_000,
  },
  knowledgeVersions: {
    method: 'GET',
    url: '/v1/knowledge/versions',
    operationId: 'listKnowledgeVersions',
    summary: 'Published knowledge versions, newest first, and the one this replica serves',
    tag: 'knowledge',
    auth: true,
    query: VersionsQuerySchema,
    responses: { 200: { description: 'Publications.', schema: VersionsSchema } },
  },
  prakritiQuestionnaire: {
    method: 'GET',
    url: '/v1/prakriti/questionnaire',
    operationId: 'getPrakritiQuestionnaire',
    summary:
      'The Prakriti questionnaire items (ids and labels) that `prakriti.answers` of an intake refers to',
    tag: 'profiles',
    auth: true,
    responses: { 200: { description: 'The questionnaire.', schema: PrakritiQuestionnaireSchema } },
  },
  health: {
    method: 'GET',
    url: '/healthz',
    operationId: 'health',
    summary: 'Liveness, database reachability and the knowledge version served',
    tag: 'operations',
    auth: false,
    responses: {
      200: { description: 'Alive and the database answers.', schema: HealthSchema },
      503: { description: 'Alive but the database does not answer.', schema: HealthSchema },
    },
    timeoutMs: 5_000,
  },
  metrics: {
    method: 'GET',
    url: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'operations',
    auth: false,
    responses: { 200: { description: 'Prometheus text exposition format.', contentType: 'text/plain' } },
  },
  openapi: {
    method: 'GET',
    url: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tag: 'operations',
    auth: false,
    responses: { 200: { description: 'OpenAPI 3.1 document.' } },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
