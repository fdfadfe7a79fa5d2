/**
 * @module apps/http/audit-batcher
 * Group commit for the audit log. Every answer must be durably recorded before it is returned,
 * and a durable commit costs an fsync (SQLite `synchronous = FULL`) or a round trip (PostgreSQL).
 * Instead of one transaction per answer, appends that arrive while the previous commit is being
 * written — or within the same event-loop turn — are committed together in one transaction
 * (`Store.appendAuditBatch`), and each caller is resolved only when that transaction committed.
 *
 * What this keeps: no answer is acknowledged before its record is committed (the caller awaits
 * `append`); records of one tenant keep the order in which they were appended. What it costs: a
 * request may wait for the commit in progress to finish before its own is written (at most one
 * commit's time). See docs/decisions/0004-audit-group-commit.md.
 *
 * A failed batch: a retryable fault (database unreachable) fails every caller in it — none was
 * acknowledged, each gets a 503. Any other fault is retried record by record, so that one bad
 * record (say, a payload the store refuses) fails only its own request. Every record has its id
 * before the first try, so a retry never writes a record twice.
 */
import { randomUUID } from 'node:crypto';
import {
  StoreError,
  type AuditInput,
  type AuditRecord,
  type JsonObject,
  type Store,
} from '../../ports/store.js';

interface Pending {
  input: AuditInput & { id: string };
  resolve: (r: AuditRecord) => void;
  reject: (e: unknown) => void;
}

interface TenantQueue {
  pending: Pending[];
  /** A commit for this tenant is being written; the next one starts when it ends. */
  busy: boolean;
  scheduled: boolean;
}

/** Options of the batcher. */
export interface AuditBatcherOptions {
  /** Most records per transaction (bounds the time one commit holds the chain). Default 256. */
  maxBatch?: number;
  /** Called after each commit (metrics). */
  onCommit?: (size: number, seconds: number) => void;
}

/** Appends audit records through group commits; one per store. */
export class AuditBatcher {
  readonly #store: Store;
  readonly #maxBatch: number;
  readonly #onCommit: (size: number, seconds: number) => void;
  readonly #queues = new Map<string, TenantQueue>();
  #inFlight = 0;
  #idle: Array<() => void> = [];

  constructor(store: Store, options: AuditBatcherOptions = {}) {
    this.#store = store;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.#onCommit = options.onCommit ?? (() => {});
  }

  /**
   * Append one record to the tenant's chain; resolves with the committed record, only after
   * the transaction holding it committed. Rejects with the store's error otherwise.
   */
  append(tenantId: string, input: { kind: string; payload: JsonObject; id?: string }): Promise<AuditRecord> {
    const withId = { ...input, id: input.id ?? randomUUID() };
    return new Promise<AuditRecord>((resolve, reject) => {
      let q = this.#queues.get(tenantId);
      if (!q) {
        q = { pending: [], busy: false, scheduled: false };
        this.#queues.set(tenantId, q);
      }
      q.pending.push({ input: withId, resolve, reject });
      this.#inFlight++;
      this.#schedule(tenantId, q);
    });
  }

  /** Resolves when every append accepted so far has settled (used when shutting down). */
  drained(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(tenantId: string, q: TenantQueue): void {
    if (q.busy || q.scheduled || q.pending.length === 0) return;
    q.scheduled = true;
    // setImmediate runs after the current I/O phase: every request handled in this turn of the
    // event loop has queued its record by then, so they share one commit.
    setImmediate(() => {
      q.scheduled = false;
      void this.#flush(tenantId, q);
    });
  }

  async #flush(tenantId: string, q: TenantQueue): Promise<void> {
    if (q.busy || q.pending.length === 0) return;
    q.busy = true;
    const batch = q.pending.splice(0, this.#maxBatch);
    const t0 = performance.now();
    try {
      const records = await this.#store.appendAuditBatch(
        tenantId,
        batch.map((p) => p.input),
      );
      this.#onCommit(batch.length, (performance.now() - t0) / 1000);
      batch.forEach((p, i) => p.resolve(records[i]!));
    } catch (e) {
      if (batch.length > 1 && !(e instanceof StoreError && e.retryable)) {
        // Isolate the record at fault: each one alone, with the same ids (idempotent).
        for (const p of batch) {
          try {
            p.resolve(await this.#store.appendAudit(tenantId, p.input));
          } catch (one) {
            p.reject(one);
          }
        }
      } else {
        for (const p of batch) p.reject(e);
      }
    } finally {
      this.#settled(batch.length);
      q.busy = false;
      if (q.pending.length > 0) this.#schedule(tenantId, q);
      else this.#queues.delete(tenantId);
    }
  }

  #settled(n: number): void {
    this.#inFlight -= n;
    if (this.#inFlight === 0) {
      const waiting = this.#idle;
      this.#idle = [];
      for (const w of waiting) w();
    }
  }
}
