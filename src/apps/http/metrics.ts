/**
 * @module apps/http/metrics
 * Prometheus metrics of one app: request latency per route, answers by status, the abstention
 * rate, audit group-commit sizes, and which knowledge version is served. Each app has its own
 * registry (never prom-client's global one), so several apps in one process — tests — do not
 * share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics an app records into. */
export interface AppMetrics {
  readonly registry: Registry;
  /** Record one finished request; `route` is the route template (never the raw URL). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Record one answer (`/v1/ask`) by its status. */
  observeAnswer(status: string): void;
  /** Record one audit group commit of `size` records. */
  observeAuditBatch(size: number, seconds: number): void;
  /** The knowledge version now served. */
  setKnowledge(version: string, entries: number, publication: number | null): void;
  inFlight: Gauge;
}

/** Latency buckets (seconds): dense where the answer path lives (sub-millisecond to 50 ms). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Create the metrics of one app. `defaults` adds process metrics (RSS, heap, event-loop lag). */
export function createMetrics(options: { defaults?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request received to response sent, by route template and status.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'Requests received and not yet answered.',
    registers: [registry],
  });
  const answers = new Counter({
    name: 'fertility_answers_total',
    help: 'Answers given by /v1/ask, by status (answered, insufficient-evidence, out-of-scope, urgent).',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  // Counted here as well as in the counter so the rate is one scrape away, without PromQL.
  let answered = 0;
  let abstained = 0;
  new Gauge({
    name: 'fertility_abstention_ratio',
    help: 'Share of /v1/ask answers that abstained (insufficient-evidence) since the process started.',
    registers: [registry],
    collect() {
      this.set(answered === 0 ? 0 : abstained / answered);
    },
  });
  const auditBatch = new Histogram({
    name: 'fertility_audit_batch_size',
    help: 'Audit records committed together in one transaction (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const auditCommit = new Histogram({
    name: 'fertility_audit_commit_seconds',
    help: 'Time to commit one audit batch durably.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const kbInfo = new Gauge({
    name: 'fertility_knowledge_info',
    help: 'The knowledge version served (value 1, version and publication number as labels).',
    labelNames: ['version', 'publication'] as const,
    registers: [registry],
  });
  const kbEntries = new Gauge({
    name: 'fertility_knowledge_entries',
    help: 'Published knowledge entries served.',
    registers: [registry],
  });

  return {
    registry,
    inFlight,
    observeRequest(method, route, status, seconds) {
      duration.observe({ method, route, status_code: String(status) }, seconds);
    },
    observeAnswer(status) {
      answers.inc({ status });
      answered++;
      if (status === 'insufficient-evidence') abstained++;
    },
    observeAuditBatch(size, seconds) {
      auditBatch.observe(size);
      auditCommit.observe(seconds);
    },
    setKnowledge(version, entries, publication) {
      kbInfo.reset();
      kbInfo.set({ version, publication: publication === null ? '' : String(publication) }, 1);
      kbEntries.set(entries);
    },
  };
}
