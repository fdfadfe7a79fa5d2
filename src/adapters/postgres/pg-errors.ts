/**
 * @module adapters/postgres/pg-errors
 * Which PostgreSQL failures mean "the database is not there right now" (retry later, HTTP 503)
 * and which mean something else. `pg` reports a lost server in several shapes: a socket errno, a
 * SQLSTATE of class 08 or 57P0x, or only a message, so all three are checked.
 */
import { StoreError } from '../../ports/store.js';
import { asError } from '../store-core.js';

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATEs: 57P01 admin_shutdown (pg_terminate_backend, fast shutdown), 57P02 crash_shutdown,
// 57P03 cannot_connect_now (starting up, recovering), 53300 too_many_connections.
const SERVER_GONE = new Set(['57P01', '57P02', '57P03', '53300']);

const GONE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|not queryable|Client was closed/i;

/** The connection (or the attempt to make one) failed: the statement may or may not have run. */
export function isConnectionLost(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    (SOCKET_CODES.has(code) || SERVER_GONE.has(code) || code.startsWith('08'))
  ) {
    return true;
  }
  return GONE_MESSAGES.test(asError(e).message);
}

/** Worth running the whole operation again at once: a lost connection, a serialization failure or deadlock. */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return isConnectionLost(e) || code === '40001' || code === '40P01';
}

/** Map a driver error to a {@link StoreError}; our own errors pass through, bugs stay plain Errors. */
export function mapPgError(e: unknown, location: string): Error {
  if (e instanceof StoreError) return e;
  const err = asError(e);
  const code = (e as { code?: unknown } | null)?.code;
  const details = typeof code === 'string' ? { cause: code } : {};
  if (isConnectionLost(e)) {
    return new StoreError('store-unavailable', `PostgreSQL at ${location} is unreachable: ${err.message}`, {
      retryable: true,
      details,
      cause: e,
    });
  }
  // 57014 query_canceled: statement_timeout; "Query read timeout": pg's client-side query_timeout.
  if (code === '57014' || /Query read timeout/i.test(err.message)) {
    return new StoreError(
      'store-unavailable',
      `PostgreSQL at ${location} did not answer in time: ${err.message}`,
      {
        retryable: true,
        details,
        cause: e,
      },
    );
  }
  if (code === '40001' || code === '40P01') {
    return new StoreError(
      'store-unavailable',
      `PostgreSQL aborted a conflicting transaction: ${err.message}`,
      {
        retryable: true,
        details,
        cause: e,
      },
    );
  }
  // Class 53: insufficient resources (disk full, out of memory): not the caller's fault, not instant.
  if (typeof code === 'string' && code.startsWith('53')) {
    return new StoreError('store-unavailable', `PostgreSQL is out of resources: ${err.message}`, {
      retryable: true,
      details,
      cause: e,
    });
  }
  if (code === '23505') return new StoreError('already-exists', err.message, { details, cause: e });
  return err;
}
