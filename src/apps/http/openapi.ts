/**
 * @module apps/http/openapi
 * `/openapi.json`: an OpenAPI 3.1 document generated from the route table and the zod schemas
 * that validate the requests (`schemas.ts`), with zod 4's own JSON Schema generator. OpenAPI 3.1
 * schemas are JSON Schema 2020-12, zod's default target, so nothing is translated by hand.
 */
import { z } from 'zod';
import { ISSUE_CATALOG } from '../../domain/issues.js';
import { statusForIssue } from './errors.js';
import { API_SCHEMAS, ROUTES, type RouteSpec } from './schemas.js';

type JsonSchema = Record<string, unknown>;

const REF = (id: string): string => `#/components/schemas/${id}`;

/** The component id of a registered schema, or undefined for an anonymous one. */
function componentId(schema: z.ZodType): string | undefined {
  return API_SCHEMAS.get(schema)?.id;
}

/** A schema as used inside an operation: a `$ref` when it is a named component, else inline. */
function schemaRef(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const id = componentId(schema);
  if (id !== undefined) return { $ref: REF(id) };
  const js = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete js.$schema;
  return js;
}

/** Query or path schema → OpenAPI parameters (one per property). */
function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(js.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    const p: JsonSchema = {
      name,
      in: where,
      required: where === 'path' || (js.required ?? []).includes(name),
      schema: rest,
    };
    if (typeof description === 'string') p.description = description;
    return p;
  });
}

/** Which error statuses a route can give, from what it does (documented, not guessed per route). */
function errorStatuses(spec: RouteSpec): number[] {
  const out = new Set<number>();
  if (spec.body || spec.query || spec.params) out.add(400);
  if (spec.auth) {
    out.add(401);
    out.add(403);
    out.add(503);
  }
  if (spec.params) out.add(404);
  if (spec.body) {
    out.add(413);
    out.add(415);
  }
  if (spec.timeoutMs !== undefined) out.add(504);
  return [...out].sort();
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input; `error.code` and `error.path` say what is wrong.',
  401: 'No API key, or an unknown one (`unauthorized`).',
  403: 'A revoked key, or one not allowed this operation (`forbidden`).',
  404: 'No such resource for this clinic (`not-found`).',
  413: 'The body exceeds the route’s size limit (`input-too-large`).',
  415: 'A Content-Type the route does not accept (`unsupported-media-type`).',
  503: 'The database is unreachable or the server is stopping; retry (`retryable: true`).',
  504: 'The request took longer than the route’s time limit (`timeout`).',
};

function operation(spec: RouteSpec): JsonSchema {
  const op: JsonSchema = {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.tag],
  };
  if (spec.description) op.description = spec.description;
  const params = [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')];
  if (params.length) op.parameters = params;
  if (spec.body) {
    const content: Record<string, JsonSchema> = {
      'application/json': { schema: schemaRef(spec.body.schema, 'input') },
    };
    for (const t of spec.body.raw ?? []) {
      if (t === 'application/json') continue;
      content[t] = { schema: t.startsWith('text/') || t.includes('hl7') ? { type: 'string' } : {} };
    }
    op.requestBody = { required: spec.body.required, content };
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const type = r.contentType ?? 'application/json';
    responses[status] = {
      description: r.description,
      ...(r.schema ? { content: { [type]: { schema: schemaRef(r.schema, 'output') } } } : {}),
    };
  }
  for (const s of errorStatuses(spec)) {
    responses[String(s)] ??= {
      description: ERROR_DESCRIPTIONS[s] ?? 'Error',
      content: { 'application/json': { schema: { $ref: REF('Error') } } },
    };
  }
  op.responses = responses;
  if (spec.auth) op.security = [{ apiKey: [] }, {}];
  return op;
}

/** Build the OpenAPI 3.1 document (computed once per app; it depends on code only). */
export function buildOpenApi(info: { version: string }): JsonSchema {
  const components = z.toJSONSchema(API_SCHEMAS, {
    uri: REF,
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as { schemas: Record<string, JsonSchema> };
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, js] of Object.entries(components.schemas)) {
    const rest = { ...js };
    delete rest.$schema; // the document says which dialect once, for all schemas
    delete rest.$id;
    schemas[id] = rest;
  }
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of Object.values(ROUTES) as RouteSpec[]) {
    const path = spec.url.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation(spec);
  }
  const codes = Object.keys(ISSUE_CATALOG).map(
    (c) => `\`${c}\` → ${statusForIssue(c as keyof typeof ISSUE_CATALOG)}`,
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fertility intelligence engine',
      version: info.version,
      description:
        'Evidence-grounded answers, couple profiles and lab normalization, every answer traceable to a published source. ' +
        'Errors are `{ "error": { "code", "message", … } }`; bad input is always a 4xx. Status by issue code: ' +
        codes.join(', ') +
        '.',
    },
    servers: [{ url: '/' }],
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`fek_…`). Not needed while no key exists (local single-clinic mode).',
        },
      },
    },
    paths,
  };
}
