/**
 * @module apps/web/client
 * The web UI's typed client of the HTTP API (contracts §8). Every type comes from the API's own
 * schemas and the domain by `import type` only, so the compiled module imports nothing from the
 * server and the UI cannot drift from what the server sends (a changed shape is a compile error).
 *
 * Every failure becomes an {@link ApiError} carrying the API's `{ error: { code, message, path,
 * issues } }`; a network failure or a body that is not the API's JSON is an `ApiError` too, with
 * its own code, so that the screens have one thing to show.
 */
import type { z } from 'zod';
import type { Answer } from '../../domain/answer.js';
import type { Intake } from '../../domain/intake.js';
import type {
  ErrorBodySchema,
  HealthSchema,
  KnowledgeEntriesSchema,
  KnowledgeEntryDocSchema,
  KnowledgeQuerySchema,
  PrakritiQuestionnaireSchema,
  ProfileListSchema,
  RecommendationsSchema,
  StoredProfileSchema,
  StoredReportSchema,
  VersionsSchema,
} from '../http/schemas.js';

export type { Answer, Intake };
export type StoredReport = z.output<typeof StoredReportSchema>;
export type StoredProfile = z.output<typeof StoredProfileSchema>;
export type ProfileList = z.output<typeof ProfileListSchema>;
export type Recommendations = z.output<typeof RecommendationsSchema>;
export type Recommendation = Recommendations['recommendations'][number];
export type KnowledgeEntries = z.output<typeof KnowledgeEntriesSchema>;
export type KnowledgeEntry = z.output<typeof KnowledgeEntryDocSchema>;
export type KnowledgeQuery = z.input<typeof KnowledgeQuerySchema>;
export type Versions = z.output<typeof VersionsSchema>;
export type Health = z.output<typeof HealthSchema>;
export type PrakritiQuestionnaire = z.output<typeof PrakritiQuestionnaireSchema>;
type ErrorBody = z.output<typeof ErrorBodySchema>['error'];
export type ApiIssue = NonNullable<ErrorBody['issues']>[number];

/** A failed call: the API's error, or `network` / `bad-response` when there is none. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly path: string | undefined;
  readonly issues: readonly ApiIssue[];
  readonly requestId: string | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { path?: string | undefined; issues?: readonly ApiIssue[]; requestId?: string | undefined } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.path = extra.path;
    this.issues = extra.issues ?? [];
    this.requestId = extra.requestId;
  }
}

/** Where the client sends requests and how it finds the API key. */
export interface ClientOptions {
  /** Default: the page's own origin. */
  baseUrl?: string;
  /** The Bearer key, or null when none is set (a local install needs none). */
  apiKey: () => string | null;
}

/** Options of `POST /v1/lab-reports/normalize`. */
export interface NormalizeOptions {
  sex?: 'female' | 'male';
  filename?: string;
}

/** The API client the screens use. */
export interface Client {
  health(): Promise<Health>;
  normalizeText(text: string, options?: NormalizeOptions): Promise<StoredReport>;
  /** A file as the raw body (PDF, CSV, HL7, FHIR JSON, text); the name helps format detection. */
  normalizeFile(file: Blob, options: NormalizeOptions & { filename: string }): Promise<StoredReport>;
  createProfile(intake: unknown): Promise<StoredProfile>;
  getProfile(id: string): Promise<StoredProfile>;
  listProfiles(limit?: number): Promise<ProfileList>;
  recommend(profileId: string): Promise<Recommendations>;
  ask(question: string, profile?: unknown): Promise<Answer>;
  knowledgeEntries(query: KnowledgeQuery): Promise<KnowledgeEntries>;
  knowledgeVersions(): Promise<Versions>;
  prakritiQuestionnaire(): Promise<PrakritiQuestionnaire>;
}

function isErrorBody(x: unknown): x is { error: ErrorBody } {
  if (typeof x !== 'object' || x === null || !('error' in x)) return false;
  const e = (x as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** Create the client. */
export function createClient(options: ClientOptions): Client {
  const base = options.baseUrl ?? '';

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: { json: unknown } | { raw: Blob; type: string },
    // `/healthz` is outside `/v1` and needs no key.
    auth = true,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = auth ? options.apiKey() : null;
    if (key) headers.authorization = `Bearer ${key}`;
    let payload: BodyInit | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = body.type;
      payload = body.raw;
    }
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
      });
    } catch (e) {
      throw new ApiError(
        0,
        'network',
        `could not reach the server (${(e as Error).message || 'network error'})`,
      );
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      if (isErrorBody(data)) {
        const e = data.error;
        throw new ApiError(res.status, e.code, e.message, {
          path: e.path,
          issues: e.issues ?? [],
          requestId: e.requestId,
        });
      }
      throw new ApiError(res.status, 'bad-response', `the server answered ${res.status} ${res.statusText}`);
    }
    if (data === undefined) {
      throw new ApiError(res.status, 'bad-response', 'the server answered with something that is not JSON');
    }
    return data as T;
  }

  const query = (q: Record<string, string | number | undefined>): string => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
    const s = p.toString();
    return s ? `?${s}` : '';
  };

  return {
    health: () => call<Health>('GET', '/healthz', undefined, false),
    normalizeText: (text, o = {}) =>
      call<StoredReport>('POST', '/v1/lab-reports/normalize', { json: { text, ...o } }),
    normalizeFile: (file, o) =>
      call<StoredReport>('POST', `/v1/lab-reports/normalize${query({ sex: o.sex, filename: o.filename })}`, {
        raw: file,
        // The server detects the format from the bytes and the file name.
        type: 'application/octet-stream',
      }),
    createProfile: (intake) => call<StoredProfile>('POST', '/v1/profiles', { json: intake }),
    getProfile: (id) => call<StoredProfile>('GET', `/v1/profiles/${encodeURIComponent(id)}`),
    listProfiles: (limit = 20) => call<ProfileList>('GET', `/v1/profiles${query({ limit })}`),
    recommend: (id) =>
      call<Recommendations>('POST', `/v1/profiles/${encodeURIComponent(id)}/recommendations`),
    ask: (question, profile) =>
      call<Answer>('POST', '/v1/ask', { json: profile === undefined ? { question } : { question, profile } }),
    knowledgeEntries: (q) =>
      call<KnowledgeEntries>(
        'GET',
        `/v1/knowledge/entries${query({
          q: q.q,
          topic: q.topic,
          concept: q.concept,
          body: q.body,
          kind: q.kind,
          limit: q.limit as number | undefined,
          cursor: q.cursor,
        })}`,
      ),
    knowledgeVersions: () => call<Versions>('GET', '/v1/knowledge/versions'),
    prakritiQuestionnaire: () => call<PrakritiQuestionnaire>('GET', '/v1/prakriti/questionnaire'),
  };
}
