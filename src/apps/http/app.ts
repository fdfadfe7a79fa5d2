/**
 * @module apps/http/app
 * `createApp({ engine, store, config })`: the HTTP API of contracts §8 on fastify 5.
 *
 * Shape: every route is declared once in `schemas.ts`; `route()` below registers it, validates
 * its params, query and body with the route's zod schemas, authenticates `/v1` calls, runs the
 * handler, and renders what the handler returns. Handlers return values (`Reply`) and throw
 * `IssueError` for failures; `errors.ts` is the one place that turns issue codes into statuses.
 *
 * Tenancy: the caller's tenant comes from the API key (or is the local tenant while no key
 * exists); every store call is scoped to it, so another clinic's id is simply not found (404).
 * Every answer and recommendation writes its audit record to the caller's chain (through the
 * group-commit batcher) before the response is sent; the `x-audit-record` header names it.
 *
 * Logs (pino) carry the route template, status, timings, request id, tenant id and knowledge
 * version: never a question, an intake, a lab report, a key, or a URL with its query string.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { z } from 'zod';
import type { Answer } from '../../domain/answer.js';
import type { Intake } from '../../domain/intake.js';
import { IssueError, issue } from '../../domain/issues.js';
import type { NormalizedReport } from '../../domain/observation.js';
import type { CoupleProfile } from '../../domain/profile.js';
import type { AnswerAuditRecord, AuditSink, Engine } from '../../engine.js';
import { PROJECT_ROOT } from '../../paths.js';
import type {
  AuditRecord,
  JsonObject,
  KnowledgePublication,
  ProfileRecord,
  Store,
  Tenant,
} from '../../ports/store.js';
import { AuditBatcher } from './audit-batcher.js';
import { Authenticator, type Caller } from './auth.js';
import { failureFrom, failureFromIssues, issuesFromZod } from './errors.js';
import {
  KnowledgeSync,
  prepareDirectory,
  prepareEntries,
  startingKnowledge,
  type SyncEvent,
} from './knowledge-sync.js';
import { createMetrics, type AppMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { JSON_BODY_LIMIT, LAB_REPORT_LIMIT, ROUTES, type RouteName, type RouteSpec } from './schemas.js';
import { staticFile } from './static.js';

/** Where the clinician web UI lives (served at `/`). */
export const WEB_STATIC_DIR = join(PROJECT_ROOT, 'src', 'apps', 'web', 'static');
/**
 * Where `npm run build` puts the web UI's compiled modules (`src/apps/web/*.ts`), served at
 * `/app/`: the HTML and CSS are files in {@link WEB_STATIC_DIR}, the scripts are TypeScript
 * compiled with the rest of the project (build output is never committed).
 */
export const WEB_MODULES_DIR = join(PROJECT_ROOT, 'dist', 'src', 'apps', 'web');

/** Settings of the HTTP app (all optional). */
export interface AppConfig {
  /** pino logger; `false` or absent: no logs (tests). */
  logger?: FastifyBaseLogger | false;
  /** The tenant that acts while no API key exists. Default `local` (the CLI's tenant too). */
  localTenant?: string;
  /**
   * Tenants (by name) allowed to publish knowledge once API keys exist; publishing changes what
   * every clinic is answered from. Default: the local tenant only.
   */
  knowledgeAdmins?: readonly string[];
  /** Directory re-read by `POST /v1/knowledge/reload` without entries. Default: the engine's. */
  knowledgeDir?: string;
  /** The folder served at `/`; `null` serves no UI. Default {@link WEB_STATIC_DIR}. */
  staticDir?: string | null;
  /** The UI's compiled modules, served at `/app/` (only with a `staticDir`). Default {@link WEB_MODULES_DIR}. */
  webModulesDir?: string;
  /** Default time limit of a request (ms); routes may set their own. Default 10 s. */
  timeoutMs?: number;
  /** Time limits of particular routes (ms), overriding those of `ROUTES`. */
  routeTimeoutsMs?: Partial<Record<RouteName, number>>;
  /** API version shown in the OpenAPI document. */
  version?: string;
  /** Process metrics (RSS, heap, event loop) in /metrics. Default true. */
  processMetrics?: boolean;
}

/** What `serve` already knows about the knowledge it started with (see `startingKnowledge`). */
export interface StartingKnowledge {
  publication: KnowledgePublication;
  topics: Map<string, string | null>;
}

/** Everything the app needs. */
export interface AppDeps {
  engine: Engine;
  store: Store;
  config?: AppConfig;
  /** Omitted: on start the app adopts the store's publication (or publishes the engine's directory). */
  knowledge?: StartingKnowledge;
}

/** The app plus what the process that runs it needs to shut down cleanly. */
export interface App {
  fastify: FastifyInstance;
  metrics: AppMetrics;
  /** The knowledge publication being served. */
  knowledge: KnowledgeSync;
  /** Stop accepting requests, wait for those in flight and for their audit records. Idempotent. */
  close(): Promise<void>;
}

/** What a handler returns; the transport renders it. */
interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type BodyOf<S> = S extends { body: { schema: infer B } } ? Out<B> | string | Buffer | undefined : undefined;

interface Ctx<S extends RouteSpec> {
  request: FastifyRequest;
  /** Null on routes that are not under `/v1`. */
  caller: S['auth'] extends true ? Caller : null;
  params: S extends { params: infer P } ? Out<P> : undefined;
  query: S extends { query: infer Q } ? Out<Q> : undefined;
  /** The validated JSON body; a string or Buffer for the raw media types a route accepts. */
  body: BodyOf<S>;
  /** The JSON body exactly as sent (the engine hashes intakes as given). */
  rawBody: unknown;
  /** Aborted when the route's time limit passes or the client goes away (see Deadline). */
  signal: AbortSignal;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** At most this much of a refused body is read (and thrown away) before the 413 is sent. */
const DISCARD_MAX_BYTES = 32 * 1024 * 1024;
const DISCARD_MAX_MS = 5000;

/** Read and drop the rest of a request body, until it ends or a bound is reached. */
function discardBody(raw: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (): void => {
      clearTimeout(timer);
      raw.removeListener('data', onData);
      raw.removeListener('end', finish);
      raw.removeListener('error', finish);
      raw.removeListener('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.length;
      if (seen > DISCARD_MAX_BYTES) finish();
    };
    const timer = setTimeout(finish, DISCARD_MAX_MS);
    raw.on('data', onData);
    raw.once('end', finish);
    raw.once('error', finish);
    raw.once('close', finish);
    raw.resume();
  });
}

/**
 * A request's time limit, and the signal that cancels its work. Fastify's `handlerTimeout` is
 * not used for this: over a real connection (not `inject`) it never fired for a request with a
 * body, because Node emits the request's `close` as soon as the body has been read and fastify
 * (5.12.8) answers that event by clearing the timer and aborting `request.signal` — so a slow
 * answer was never cut off, and a language-model call made under that signal failed at once.
 * Here the timer sends the 504 itself, and the signal fires only when the time limit passes or
 * the client closes the connection before the response is finished.
 */
class Deadline {
  readonly #reply: FastifyReply;
  readonly #timer: NodeJS.Timeout;
  readonly #onClose = (): void => {
    if (!this.#reply.raw.writableFinished) this.#cancel(new Error('the client closed the connection'));
  };
  #controller: AbortController | null = null;
  #reason: unknown = undefined;

  constructor(reply: FastifyReply, ms: number) {
    this.#reply = reply;
    this.#timer = setTimeout(() => {
      const e = new IssueError([
        issue('timeout', 'the request took longer than the time limit for this route'),
      ]);
      this.#cancel(e);
      // The handler goes on to its end (CPU work cannot be interrupted); its result is dropped.
      if (!reply.sent && !reply.raw.headersSent) void reply.send(e);
    }, ms);
    this.#timer.unref();
    reply.raw.once('close', this.#onClose);
  }

  /** Made on first use: only the language-model path reads it. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** The handler is done: nothing is left to cancel. */
  end(): void {
    clearTimeout(this.#timer);
    this.#reply.raw.removeListener('close', this.#onClose);
  }

  #cancel(reason: unknown): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

function jsonObject(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/**
 * `value` itself when it is already plain JSON, else {@link jsonObject}'s copy (which drops
 * undefined fields as JSON does). Every answer's audit record passes here; the records are
 * plain by construction, and the store writes its own canonical copy, so the usual case costs
 * one read-only walk instead of a serialise-and-parse.
 */
function asJsonObject(value: object): JsonObject {
  return isPlainJson(value, 0) ? (value as JsonObject) : jsonObject(value);
}

function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return false;
  }
  if (value === null) return true;
  if (depth > 64) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key of Object.keys(value)) {
    if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function mediaType(request: FastifyRequest): string | null {
  const h = request.headers['content-type'];
  return h ? (h.split(';')[0] ?? '').trim().toLowerCase() : null;
}

function isJsonType(t: string): boolean {
  return t === 'application/json' || t.endsWith('+json');
}

/**
 * The intake as stored. Lab report texts may carry identifiers that the de-identifier cannot
 * recognise (a bare name on its own line), so they are not stored: each is replaced by the
 * structured results the profile read from it (canonical units), which rebuild the same profile
 * when the stored intake is used again (`/v1/profiles/{id}/recommendations`).
 */
export function storableIntake(intake: Intake, profile: CoupleProfile): JsonObject {
  const out = jsonObject(intake) as Record<string, JsonObject | undefined>;
  for (const partner of ['female', 'male'] as const) {
    const p = out[partner];
    if (!p || !Array.isArray(p.labReports)) continue;
    const fromReports = profile.observations[partner].filter((o) =>
      o.from.startsWith(`${partner}.labReports`),
    );
    delete p.labReports;
    if (fromReports.length === 0) continue;
    const labs = Array.isArray(p.labs) ? [...p.labs] : [];
    for (const o of fromReports) {
      const lab: JsonObject = { analyte: o.analyte, value: o.value, unit: o.unit };
      if (o.comparator) lab.comparator = o.comparator;
      if (o.flag) lab.flag = o.flag;
      if (o.method) lab.method = o.method;
      if (o.date) lab.date = o.date;
      if (o.cycleDay !== undefined) lab.cycleDay = o.cycleDay;
      const r = o.referenceRange;
      if (r && (r.low !== undefined || r.high !== undefined)) {
        const range: JsonObject = {};
        if (r.low !== undefined) range.low = r.low;
        if (r.high !== undefined) range.high = r.high;
        lab.referenceRange = range;
      }
      labs.push(lab);
    }
    p.labs = labs;
  }
  return out as JsonObject;
}

function profileOut(r: ProfileRecord, withIntake: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.id,
    createdAt: r.createdAt,
    knowledgeVersion: r.knowledgeVersion,
    intakeHash: r.intakeHash,
    profile: r.profile,
  };
  if (withIntake) out.intake = r.intake;
  return out;
}

/** Build the app (not listening; `fastify.listen` or `fastify.inject`). */
export async function createApp(deps: AppDeps): Promise<App> {
  const { engine, store } = deps;
  const config = deps.config ?? {};
  const localName = config.localTenant ?? 'local';
  const admins = new Set(config.knowledgeAdmins ?? [localName]);
  const knowledgeDir = config.knowledgeDir ?? engine.config.knowledgeDir;
  const staticDir = config.staticDir === undefined ? WEB_STATIC_DIR : config.staticDir;
  const metrics = createMetrics({ defaults: config.processMetrics !== false });
  const batcher = new AuditBatcher(store, { onCommit: (n, s) => metrics.observeAuditBatch(n, s) });
  const startedAt = Date.now();
  const defaultTimeoutMs = config.timeoutMs ?? 10_000;
  let closing = false;

  const app = Fastify({
    ...(config.logger ? { loggerInstance: config.logger } : { logger: false }),
    // Our onResponse hook writes the one request line, with only what may be logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    // Time to receive a whole request (slow clients cannot hold a connection forever).
    requestTimeout: 60_000,
    // Fastify's own 503 while closing has another body shape; ours is sent by a hook below.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const log = (): FastifyBaseLogger => app.log;

  // ── tenancy and knowledge ─────────────────────────────────────────────────────────────────
  let localTenant: Promise<Tenant> | null = null;
  const local = (): Promise<Tenant> => {
    localTenant ??= store.ensureTenant(localName).catch((e: unknown) => {
      localTenant = null; // retry on the next request (the database may be back)
      throw e;
    });
    return localTenant;
  };
  const auth = new Authenticator(store, local);

  const onSync = (e: SyncEvent): void => {
    if (e.kind === 'applied') {
      metrics.setKnowledge(engine.knowledge().version, engine.knowledge().entries.length, e.publication.n);
      if (e.changed)
        log().info({ kb: e.publication.version, publication: e.publication.n }, 'knowledge version swapped');
    } else if (e.kind === 'refused') {
      log().error(
        {
          publication: e.publication.n,
          kb: e.publication.version,
          codes: e.issues.slice(0, 5).map((i) => i.code),
        },
        'a published knowledge version was refused by validation; the previous version keeps serving',
      );
    } else {
      log().error(
        { publication: e.publication?.n ?? null, err: e.error.message },
        'applying a knowledge publication failed',
      );
    }
  };
  let sync: KnowledgeSync;
  if (deps.knowledge) {
    sync = new KnowledgeSync(engine, store, deps.knowledge, onSync);
  } else {
    // Library/test use: adopt what the store serves, publishing the engine's directory when nothing is.
    const start = await startingKnowledge(store, knowledgeDir, { publishedBy: 'app' });
    sync = new KnowledgeSync(engine, store, { publication: null, topics: start.topics }, onSync);
    await sync.apply(start.publication);
  }
  metrics.setKnowledge(
    engine.knowledge().version,
    engine.knowledge().entries.length,
    sync.publication?.n ?? null,
  );
  await sync.start();

  /** An audit sink that appends to the caller's chain and remembers the record written. */
  const sinkFor = (tenant: Tenant, written: (r: AuditRecord) => void): AuditSink => ({
    append: async (r: AnswerAuditRecord) => {
      written(await batcher.append(tenant.id, { kind: `answer.${r.kind}`, payload: asJsonObject(r) }));
    },
  });

  // ── transport ─────────────────────────────────────────────────────────────────────────────
  // Raw bodies: lab reports as text, CSV, HL7 or PDF; FHIR JSON under its own media type.
  app.addContentTypeParser(
    ['text/csv', 'text/tab-separated-values', 'application/hl7-v2', 'x-application/hl7-v2+er7'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );
  app.addContentTypeParser(
    ['application/pdf', 'application/octet-stream'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );
  app.addContentTypeParser(
    'application/fhir+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  app.decorateRequest('tenantId', null);
  app.addHook('onRequest', async (request, reply) => {
    metrics.inFlight.inc();
    // 'close' fires once per response, answered or aborted ('finish' does not fire on abort).
    reply.raw.once('close', () => metrics.inFlight.dec());
    void reply.header('x-request-id', request.id);
    if (closing) {
      throw new IssueError([
        issue('shutting-down', 'the server is stopping; retry (another replica will answer)'),
      ]);
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // While draining, tell every client not to reuse its connection: its next request then opens
    // a new one (refused: clearly retryable elsewhere) instead of racing the connection's close.
    if (closing) void reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(request.method, route, reply.statusCode, seconds);
    // reqId is already on the request's child logger.
    const line = {
      method: request.method,
      route,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      tenant: (request as FastifyRequest & { tenantId: string | null }).tenantId,
      kb: engine.knowledge().version,
    };
    if (reply.statusCode >= 500) request.log.warn(line, 'request failed');
    else request.log.info(line, 'request');
  });

  const render = (reply: FastifyReply, r: Reply): FastifyReply => {
    void reply.code(r.status ?? 200);
    if (r.headers) void reply.headers(r.headers);
    return reply.send(r.body);
  };

  app.setErrorHandler(async (error, request, reply) => {
    const limit = request.routeOptions.bodyLimit;
    const f = failureFrom(error, request.id, limit !== undefined ? { bodyLimit: limit } : {});
    // An oversized body is refused from its Content-Length, while the client is still sending it.
    // Answering and closing at once resets the connection under the client's writes, which then
    // sees EPIPE instead of the 413 (one time in five with 2 MiB on this machine): the rest of the
    // body is read and discarded first, within a bound, so that the error reaches the client.
    if (f.status === 413 && !request.raw.complete) await discardBody(request.raw);
    if (f.status >= 500 && f.body.error.code === 'internal-error') {
      // A bug: log where it happened (the stack), not the message, which may quote input.
      const e = error as Error;
      request.log.error(
        { reqId: request.id, errName: e.name, stack: e.stack?.split('\n').slice(1, 12).join('\n') },
        'internal error',
      );
    }
    void reply.header('content-type', 'application/json; charset=utf-8');
    return render(reply, { status: f.status, body: f.body, headers: f.headers });
  });
  app.setNotFoundHandler((request, reply) => {
    const f = failureFromIssues(
      [
        issue(
          'not-found',
          `no route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}; see /openapi.json`,
        ),
      ],
      request.id,
    );
    return render(reply, { status: f.status, body: f.body, headers: f.headers });
  });

  function parse<T extends z.ZodType>(
    schema: T | undefined,
    value: unknown,
    where: string,
  ): z.output<T> | undefined {
    if (!schema) return undefined;
    const r = schema.safeParse(value === undefined ? {} : value);
    if (!r.success) throw new IssueError(issuesFromZod(r.error, where));
    return r.data;
  }

  /** Register one route of `ROUTES` with validation, authentication and rendering. */
  function route<S extends RouteSpec>(spec: S, handler: (ctx: Ctx<S>) => Promise<Reply>): void {
    const rawTypes = new Set(spec.body?.raw ?? []);
    const name = (Object.keys(ROUTES) as RouteName[]).find((k) => ROUTES[k] === (spec as RouteSpec));
    const timeoutMs =
      (name !== undefined ? config.routeTimeoutsMs?.[name] : undefined) ?? spec.timeoutMs ?? defaultTimeoutMs;
    app.route({
      method: spec.method,
      url: spec.url,
      bodyLimit: spec.bodyLimit ?? JSON_BODY_LIMIT,
      handler: async (request, reply) => {
        const deadline = new Deadline(reply, timeoutMs);
        try {
          const caller = spec.auth ? await auth.authenticate(request.headers.authorization) : null;
          if (caller) (request as FastifyRequest & { tenantId: string | null }).tenantId = caller.tenant.id;
          const params = parse(spec.params, request.params, 'params');
          const query = parse(spec.query, request.query, 'query');
          let body: unknown = undefined;
          if (spec.body) {
            const type = mediaType(request);
            const raw = request.body;
            if (
              type !== null &&
              !isJsonType(type) &&
              !rawTypes.has(type) &&
              !(type.startsWith('text/') && rawTypes.has('text/plain'))
            ) {
              throw new IssueError([
                issue(
                  'unsupported-media-type',
                  `this route takes application/json${rawTypes.size ? ` or ${[...rawTypes].join(', ')}` : ''}, not ${type}`,
                ),
              ]);
            }
            if (raw === undefined || (typeof raw === 'string' && raw.length === 0)) {
              if (spec.body.required)
                throw new IssueError([issue('input-empty', 'the request body is empty', { path: 'body' })]);
              body = parse(spec.body.schema, {}, 'body');
            } else if (type !== null && !isJsonType(type)) {
              body = raw; // a raw report (string or Buffer), read by the handler
            } else {
              body = parse(spec.body.schema, raw, 'body');
            }
          }
          const ctx = {
            request,
            caller,
            params,
            query,
            body,
            rawBody: request.body,
            get signal(): AbortSignal {
              return deadline.signal;
            },
          } as unknown as Ctx<S>;
          const result = await handler(ctx);
          // Past the time limit the 504 has already been sent; the work finished anyway.
          if (reply.sent) return reply;
          return render(reply, result);
        } catch (e) {
          if (reply.sent) return reply; // failed after its 504 was sent: nothing more to say
          throw e;
        } finally {
          deadline.end();
        }
      },
    });
  }

  const tenantOf = (c: Caller): Tenant => c.tenant;
  const auditHeader = (r: AuditRecord | null): Record<string, string> =>
    r ? { 'x-audit-record': `${r.seq}:${r.id}` } : {};

  // ── lab reports ───────────────────────────────────────────────────────────────────────────
  route(ROUTES.normalize, async ({ caller, query, body }) => {
    const { normalizeLabReport, reportError } = await import('../../pipeline/normalize/index.js');
    type Options = {
      sex?: 'female' | 'male' | undefined;
      filename?: string | undefined;
      profileId?: string | undefined;
      partner?: 'female' | 'male' | undefined;
    };
    let input: string | Buffer | object;
    let opts: Options = query ?? {};
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      input = body;
    } else if (body && !('resourceType' in body)) {
      // JSON `{ "text": … }` with the options beside it
      const { text, ...rest } = body as Options & { text: string };
      if (query && Object.keys(query).length > 0) {
        throw new IssueError([
          issue('input-invalid', 'give options in the JSON body or in the query string, not both', {
            path: 'query',
          }),
        ]);
      }
      input = text;
      opts = rest;
    } else if (body) {
      input = body; // a FHIR resource
    } else {
      throw new IssueError([issue('input-empty', 'the request body is empty', { path: 'body' })]);
    }
    const report: NormalizedReport = await normalizeLabReport(input, {
      maxBytes: LAB_REPORT_LIMIT,
      ...(opts.sex !== undefined ? { sex: opts.sex } : {}),
      ...(opts.filename !== undefined ? { filename: opts.filename } : {}),
    });
    const err = reportError(report);
    if (err)
      throw new IssueError([issue(err.code, err.message, err.path !== undefined ? { path: err.path } : {})]);
    const saved = await store.saveObservations(tenantOf(caller).id, {
      report,
      profileId: opts.profileId ?? null,
      partner: opts.partner ?? opts.sex ?? null,
    });
    return {
      status: 201,
      headers: { location: `/v1/lab-reports/${saved.id}` },
      body: {
        id: saved.id,
        profileId: saved.profileId,
        partner: saved.partner,
        createdAt: saved.createdAt,
        ...saved.report,
      },
    };
  });

  route(ROUTES.getLabReport, async ({ caller, params }) => {
    const r = await store.getObservations(tenantOf(caller).id, params.id);
    if (!r) throw new IssueError([issue('not-found', `no lab report ${params.id}`, { path: 'params.id' })]);
    return {
      body: { id: r.id, profileId: r.profileId, partner: r.partner, createdAt: r.createdAt, ...r.report },
    };
  });

  // ── profiles ──────────────────────────────────────────────────────────────────────────────
  route(ROUTES.createProfile, async ({ caller, body, rawBody }) => {
    const intake = body as Intake;
    const profile = await engine.profile(rawBody);
    const saved = await store.saveProfile(tenantOf(caller).id, {
      intake: storableIntake(intake, profile),
      profile: jsonObject(profile),
      knowledgeVersion: null,
    });
    await batcher.append(tenantOf(caller).id, {
      kind: 'profile.created',
      payload: { profileId: saved.id, intakeHash: saved.intakeHash },
    });
    return { status: 201, headers: { location: `/v1/profiles/${saved.id}` }, body: profileOut(saved, true) };
  });

  route(ROUTES.listProfiles, async ({ caller, query }) => {
    const page = await store.listProfiles(tenantOf(caller).id, {
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    });
    return { body: { items: page.items.map((r) => profileOut(r, false)), nextCursor: page.nextCursor } };
  });

  route(ROUTES.getProfile, async ({ caller, params }) => {
    const r = await store.getProfile(tenantOf(caller).id, params.id);
    if (!r) throw new IssueError([issue('not-found', `no profile ${params.id}`, { path: 'params.id' })]);
    return { body: profileOut(r, true) };
  });

  route(ROUTES.recommend, async ({ caller, params }) => {
    const tenant = tenantOf(caller);
    const r = await store.getProfile(tenant.id, params.id);
    if (!r) throw new IssueError([issue('not-found', `no profile ${params.id}`, { path: 'params.id' })]);
    let record: AuditRecord | null = null;
    const recs = await engine.recommend(r.intake, { audit: sinkFor(tenant, (a) => (record = a)) });
    return {
      headers: { ...auditHeader(record), 'x-knowledge-version': recs.kb.version },
      body: {
        profileId: r.id,
        recommendations: recs.recommendations,
        applicable: recs.applicable,
        missing: recs.missing,
        kb: recs.kb,
        timings: recs.timings,
      },
    };
  });

  // ── answers ───────────────────────────────────────────────────────────────────────────────
  route(ROUTES.ask, async (ctx) => {
    const { caller, body, rawBody } = ctx;
    const { question, profile } = body as { question: string; profile?: Intake };
    let record: AuditRecord | null = null;
    const answer: Answer = await engine.ask(question, {
      ...(profile !== undefined ? { profile: (rawBody as { profile: unknown }).profile } : {}),
      // Only a language model call can be cancelled; the extractive path never reads the signal.
      ...(engine.config.synthesis.mode === 'llm' ? { signal: ctx.signal } : {}),
      audit: sinkFor(tenantOf(caller), (a) => (record = a)),
    });
    metrics.observeAnswer(answer.status);
    return { headers: { ...auditHeader(record), 'x-knowledge-version': answer.kb.version }, body: answer };
  });

  // ── knowledge ─────────────────────────────────────────────────────────────────────────────
  route(ROUTES.knowledgeEntries, async ({ query }) => {
    const snap = engine.knowledge();
    const words = (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const body = query.body?.toLowerCase();
    const matches = snap.entries.filter((e) => {
      if (query.concept !== undefined && !e.concepts.includes(query.concept)) return false;
      if (body !== undefined && e.source.body.toLowerCase() !== body) return false;
      if (query.kind !== undefined && e.kind !== query.kind) return false;
      if (query.topic !== undefined && sync.topicOf(e.id) !== query.topic) return false;
      if (words.length) {
        const text = `${e.title}\n${e.statement}\n${e.clinicianStatement}`.toLowerCase();
        if (!words.every((w) => text.includes(w))) return false;
      }
      return true;
    });
    const offset = query.cursor === undefined ? 0 : Number(query.cursor);
    if (!Number.isInteger(offset) || offset < 0) {
      throw new IssueError([
        issue('input-invalid', 'cursor must be the nextCursor of a previous page', { path: 'query.cursor' }),
      ]);
    }
    const limit = query.limit ?? 50;
    const items = matches.slice(offset, offset + limit).map((e) => ({ ...e, topic: sync.topicOf(e.id) }));
    return {
      headers: { 'x-knowledge-version': snap.version },
      body: {
        version: snap.version,
        total: matches.length,
        items,
        nextCursor: offset + limit < matches.length ? String(offset + limit) : null,
      },
    };
  });

  route(ROUTES.knowledgeReload, async ({ caller, body }) => {
    const tenant = tenantOf(caller);
    if ((await auth.keysRequired()) && !admins.has(tenant.name)) {
      throw new IssueError([
        issue(
          'forbidden',
          `tenant "${tenant.name}" may not publish knowledge (knowledge admins: ${[...admins].join(', ')})`,
        ),
      ]);
    }
    const b = (body ?? {}) as { entries?: unknown[]; note?: string };
    let bank;
    try {
      bank =
        b.entries !== undefined ? prepareEntries(b.entries, 'request body') : prepareDirectory(knowledgeDir);
    } catch (e) {
      if (e instanceof IssueError) {
        log().warn(
          {
            tenant: tenant.id,
            errors: e.issues.length - 1,
            codes: [...new Set(e.issues.map((i) => i.code))].slice(0, 8),
          },
          'knowledge reload refused',
        );
        await batcher.append(tenant.id, {
          kind: 'knowledge.refused',
          payload: {
            origin: b.entries !== undefined ? 'request body' : 'directory',
            errors: e.issues.length - 1,
          },
        });
      }
      throw e;
    }
    const { publication, changed } = await sync.publish(bank, {
      publishedBy: tenant.name,
      note: b.note ?? null,
    });
    await batcher.append(tenant.id, {
      kind: 'knowledge.published',
      payload: { version: publication.version, publication: publication.n, entries: bank.published, changed },
    });
    return {
      body: {
        version: publication.version,
        changed,
        publication,
        entries: engine.knowledge().entries.length,
        warnings: bank.warnings.slice(0, 200).map((w) => ({
          code: w.code,
          message: w.message,
          ...(w.path !== undefined ? { path: w.path } : {}),
        })),
      },
    };
  });

  route(ROUTES.knowledgeVersions, async ({ query }) => {
    const publications = await store.listKnowledgePublications({ limit: query.limit ?? 100 });
    const snap = engine.knowledge();
    return {
      body: {
        serving: {
          version: snap.version,
          publication: sync.publication?.n ?? null,
          entries: snap.entries.length,
        },
        publications,
      },
    };
  });

  // ── prakriti ──────────────────────────────────────────────────────────────────────────────
  route(ROUTES.prakritiQuestionnaire, async () => {
    const { loadPrakriti } = await import('../../pipeline/profile/prakriti.js');
    const { questionnaire: q, correlates } = loadPrakriti();
    return {
      body: {
        id: q.id,
        name: q.name,
        version: q.version,
        validated: q.validated,
        minAnsweredFraction: q.scoring.minAnsweredFraction,
        disclaimer: correlates.disclaimer,
        // Weights are not sent: knowing which dosha an option scores would steer the answers.
        items: q.items.map((i) => ({
          id: i.id,
          label: i.label,
          ...(i.appliesTo !== undefined ? { appliesTo: i.appliesTo } : {}),
          options: i.options.map((o) => ({ id: o.id, label: o.label })),
        })),
      },
    };
  });

  // ── operations ────────────────────────────────────────────────────────────────────────────
  route(ROUTES.health, async () => {
    const snap = engine.knowledge();
    const t0 = performance.now();
    let storeOk = true;
    let error: string | undefined;
    try {
      await store.ping();
    } catch (e) {
      storeOk = false;
      error = e instanceof IssueError ? (e.issues[0]?.code ?? 'store-unavailable') : 'store-unavailable';
    }
    let keys: boolean | null = null;
    try {
      keys = storeOk ? await auth.keysRequired() : null;
    } catch {
      keys = null;
    }
    return {
      status: storeOk ? 200 : 503,
      headers: { 'cache-control': 'no-store' },
      body: {
        status: storeOk ? 'ok' : 'degraded',
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        store: {
          driver: store.driver,
          ok: storeOk,
          latencyMs: storeOk ? Math.round((performance.now() - t0) * 1000) / 1000 : null,
          ...(error !== undefined ? { error } : {}),
        },
        knowledge: {
          version: snap.version,
          entries: snap.entries.length,
          publication: sync.publication?.n ?? null,
          loadedAt: snap.loadedAt,
        },
        auth: keys === false ? 'none' : 'api-key',
      },
    };
  });

  route(ROUTES.metrics, async () => ({
    headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
    body: await metrics.registry.metrics(),
  }));

  let openapi: Record<string, unknown> | null = null;
  route(ROUTES.openapi, async () => {
    openapi ??= buildOpenApi({ version: config.version ?? '0.1.0' });
    return { body: openapi };
  });

  // ── the web UI ────────────────────────────────────────────────────────────────────────────
  if (staticDir !== null) {
    const serveStatic = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      if (!existsSync(staticDir)) {
        throw new IssueError([
          issue(
            'not-found',
            'the web UI is not installed (src/apps/web/static is missing); the API is under /v1',
          ),
        ]);
      }
      const inm = request.headers['if-none-match'];
      const f = await staticFile(staticDir, request.url, typeof inm === 'string' ? inm : undefined);
      void reply.code(f.status).headers(f.headers);
      return reply.send(f.body ?? undefined);
    };
    app.get('/', serveStatic);
    app.get('/*', serveStatic);
    // The UI's scripts: TypeScript compiled by `npm run build` into dist/ (see WEB_MODULES_DIR).
    // Only `.js` and source maps are served from there.
    const modulesDir = config.webModulesDir ?? WEB_MODULES_DIR;
    app.get('/app/*', async (request, reply) => {
      const path = (request.url.split('?')[0] ?? '').slice('/app'.length);
      if (!/\.js(\.map)?$/.test(path)) {
        throw new IssueError([issue('not-found', `no such page: ${path.slice(0, 200)}`)]);
      }
      if (!existsSync(modulesDir)) {
        throw new IssueError([
          issue(
            'not-found',
            'the web UI scripts are not built (dist/src/apps/web is missing): run npm run build',
          ),
        ]);
      }
      const inm = request.headers['if-none-match'];
      const f = await staticFile(modulesDir, path, typeof inm === 'string' ? inm : undefined);
      // Module imports carry no version in their URLs: revalidate every time (a 304 when
      // unchanged) so that a rebuilt UI is never mixed with cached older modules.
      f.headers['cache-control'] = 'no-cache';
      void reply.code(f.status).headers(f.headers);
      return reply.send(f.body ?? undefined);
    });
  }

  let closed: Promise<void> | null = null;
  return {
    fastify: app,
    metrics,
    knowledge: sync,
    close() {
      closed ??= (async () => {
        closing = true;
        // fastify.close stops accepting connections and resolves once in-flight requests are
        // answered; every answered request has already awaited its audit commit.
        await app.close();
        await batcher.drained();
        await sync.stop();
      })();
      return closed;
    },
  };
}
