/**
 * @module apps/http/errors
 * The one place where outcomes become HTTP statuses (medplum's single mapping function): every
 * failure reaches the client as `{ "error": { "code", "message", … } }`, with the code taken from
 * the issue catalog (`domain/issues.ts`). Bad input is always a 4xx; a 5xx means the service
 * itself failed (database unreachable, timeout, a bug), never the request.
 */
import type { ZodError } from 'zod';
import { IssueError, issue, type Issue, type IssueCode } from '../../domain/issues.js';

/**
 * Statuses for the codes that are not plain bad input. Every other catalog code is raised only
 * for something wrong with the request (a field, a file, a question) and maps to 400.
 */
const STATUS: Partial<Record<IssueCode, number>> = {
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'already-exists': 409,
  'input-too-large': 413,
  'unsupported-media-type': 415,
  'internal-error': 500,
  'audit-chain-broken': 500,
  'store-unavailable': 503,
  'store-schema-ahead': 503,
  'store-migration-mismatch': 503,
  'shutting-down': 503,
  timeout: 504,
};

/** The HTTP status for an issue code: the table above, else 400 (bad input). */
export function statusForIssue(code: IssueCode): number {
  return STATUS[code] ?? 400;
}

/** Whether the same request may succeed later (the client should retry, with backoff). */
export function isRetryableCode(code: IssueCode): boolean {
  return code === 'store-unavailable' || code === 'shutting-down' || code === 'timeout';
}

/** One issue as rendered in an error body (no `details`: they may quote the input). */
export interface IssueOut {
  code: IssueCode;
  severity: Issue['severity'];
  message: string;
  path?: string;
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: {
    code: IssueCode;
    message: string;
    /** The field or part of the input at fault, when there is one. */
    path?: string;
    /** True when retrying later may succeed (503/504). */
    retryable: boolean;
    /** Every issue found, when there is more than one (e.g. all invalid fields of an intake). */
    issues?: IssueOut[];
    /** The request id, also in the `x-request-id` header and the logs. */
    requestId: string;
  };
}

/** A rendered failure: status, body and extra headers. */
export interface Failure {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** At most this many issues are listed in one response (a bank can have hundreds of errors). */
const MAX_LISTED_ISSUES = 50;

function issueOut(i: Issue): IssueOut {
  const out: IssueOut = { code: i.code, severity: i.severity, message: i.message };
  if (i.path !== undefined) out.path = i.path;
  return out;
}

/** Render a list of issues (the first error-severity one decides the code and status). */
export function failureFromIssues(issues: readonly Issue[], requestId: string): Failure {
  const lead =
    issues.find((i) => i.severity === 'error') ?? issues[0] ?? issue('internal-error', 'unknown failure');
  const status = statusForIssue(lead.code);
  const body: ErrorBody = {
    error: {
      code: lead.code,
      message: lead.message,
      retryable: isRetryableCode(lead.code),
      requestId,
    },
  };
  if (lead.path !== undefined) body.error.path = lead.path;
  if (issues.length > 1) body.error.issues = issues.slice(0, MAX_LISTED_ISSUES).map(issueOut);
  const headers: Record<string, string> = {};
  // A client (or a load balancer) may retry a 503 after this many seconds.
  if (status === 503) headers['retry-after'] = '1';
  return { status, body, headers };
}

/**
 * Fastify's own errors (parsing, limits, routing), by their `code`. Time limits are not among
 * them: the app keeps its own (`Deadline` in app.ts).
 */
const FASTIFY_CODES: Record<string, IssueCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'input-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'input-invalid',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'input-empty',
  FST_ERR_CTP_INVALID_JSON_BODY: 'input-invalid',
  FST_ERR_BAD_URL: 'input-invalid',
};

/** A readable message for fastify's errors, which otherwise name internals. */
function fastifyMessage(
  code: IssueCode,
  e: Error & { code?: string },
  bodyLimit: number | undefined,
): string {
  if (code === 'input-too-large') {
    return `the request body exceeds this route's limit${bodyLimit !== undefined ? ` of ${bodyLimit} bytes` : ''}`;
  }
  if (code === 'unsupported-media-type') return `unsupported Content-Type; ${e.message}`;
  if (code === 'input-empty') return 'the body is empty but Content-Type says JSON; send a JSON object';
  // JSON syntax errors: fastify's message names the position, which helps and quotes nothing.
  return e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? `the body is not valid JSON: ${e.message}` : e.message;
}

/**
 * Any thrown value → a failure. `IssueError` (and the store's `StoreError`) carry their codes;
 * fastify's parsing errors are translated; a JSON `SyntaxError` or a 4xx from the framework is
 * bad input; anything else is a bug (`internal-error`, 500), whose message is not shown because
 * it may quote internals or input.
 */
export function failureFrom(e: unknown, requestId: string, context: { bodyLimit?: number } = {}): Failure {
  if (e instanceof IssueError) return failureFromIssues(e.issues, requestId);
  const err = (e instanceof Error ? e : new Error(String(e))) as Error & {
    code?: string;
    statusCode?: number;
  };
  const mapped = err.code !== undefined ? FASTIFY_CODES[err.code] : undefined;
  if (mapped)
    return failureFromIssues([issue(mapped, fastifyMessage(mapped, err, context.bodyLimit))], requestId);
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return failureFromIssues(
      [issue('input-invalid', `the body is not valid JSON: ${err.message}`)],
      requestId,
    );
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return failureFromIssues([issue('input-invalid', err.message)], requestId);
  }
  return failureFromIssues(
    [issue('internal-error', `internal error; quote request id ${requestId} when reporting it`)],
    requestId,
  );
}

/** zod's path → our path notation (`female.labs[2].unit`). */
export function pathText(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out || '(root)';
}

/**
 * zod validation errors → `input-invalid` issues naming each field, unknown keys one by one
 * (a typo such as `questoin` then says exactly what to fix).
 */
export function issuesFromZod(error: ZodError, base: string): Issue[] {
  // Unknown keys first: a misspelt field also shows up as the real field missing, and the
  // misspelling is the thing to fix.
  const ordered = [...error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  return ordered.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => {
        const path = pathText(base, [...i.path, k]);
        return issue('input-invalid', `${path}: unknown field "${k}"`, { path });
      });
    }
    const path = pathText(base, i.path);
    return [issue('input-invalid', `${path}: ${i.message}`, { path })];
  });
}
