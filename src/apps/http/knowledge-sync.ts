/**
 * @module apps/http/knowledge-sync
 * Which knowledge version a replica serves, and how a new one reaches every replica.
 *
 * - The store's publications are the truth: on start a replica serves the current publication
 *   (or, when nothing was ever published, publishes its knowledge directory first).
 * - `POST /v1/knowledge/reload` validates a bank (the directory again, or entries in the body),
 *   publishes it, then serves it. An invalid bank is refused before anything is published, so
 *   the previous version keeps serving everywhere.
 * - Every replica subscribes to publications (`Store.subscribe`: LISTEN/NOTIFY on PostgreSQL,
 *   a cheap poll on SQLite) and swaps to each newer one without a restart. Publications are
 *   applied one at a time in publication order, and one never replaces a newer one, so two
 *   reloads racing on two replicas end with every replica on the same (latest) publication.
 *   The swap itself is the engine's: an answer in flight finishes on the snapshot it started with.
 *
 * Stored entries carry their `topic` (the folder they were read from) beside the entry fields;
 * it is removed before validation, so the version id is the same as for the directory.
 */
import { IssueError, issue, type Issue } from '../../domain/issues.js';
import type { Engine } from '../../engine.js';
import { computeVersion } from '../../kb/bank.js';
import { loadBank } from '../../kb/load.js';
import { validateBank, validateEntries, type ValidationReport } from '../../kb/validate.js';
import type { JsonObject, KnowledgePublication, Store } from '../../ports/store.js';

/** A validated bank ready to publish: entries of every status (with topics) and its version id. */
export interface PreparedBank {
  version: string;
  /** What the store keeps: every entry (any status), defaults applied, with `topic`. */
  stored: JsonObject[];
  /** The same entries without `topic`, as the engine validates them. */
  entries: JsonObject[];
  topics: Map<string, string | null>;
  published: number;
  warnings: Issue[];
  origin: string;
}

/** What a replica serves: the publication and the topic of each entry. */
export interface ServingKnowledge {
  publication: KnowledgePublication;
  entries: JsonObject[];
  topics: Map<string, string | null>;
}

function rejected(report: ValidationReport, origin: string): IssueError {
  const errors = report.issues.filter((i) => i.severity === 'error');
  return new IssueError([
    issue(
      'kb-rejected',
      `${origin}: ${errors.length} validation error(s); the previous version keeps serving`,
      {
        details: { errors: errors.length },
      },
    ),
    ...errors,
  ]);
}

/** Split stored entries into engine entries and their topics. */
export function splitTopics(stored: readonly JsonObject[]): {
  entries: JsonObject[];
  topics: Map<string, string | null>;
} {
  const topics = new Map<string, string | null>();
  const entries = stored.map((e) => {
    const { topic, ...entry } = e;
    if (typeof entry.id === 'string')
      topics.set(entry.id, typeof topic === 'string' && topic !== '' ? topic : null);
    // A `topic` that is not a string stays in the entry, where validation names it.
    return topic === undefined || typeof topic === 'string' ? entry : e;
  });
  return { entries, topics };
}

function prepared(
  report: ValidationReport,
  origin: string,
  topicOf: (id: string) => string | null,
): PreparedBank {
  if (!report.ok) throw rejected(report, origin);
  if (report.documents.length > 0) {
    // A stored version holds entries only; publishing a bank with imported documents would make
    // replicas that load it from the store serve a different version than this one.
    throw new IssueError([
      issue(
        'kb-rejected',
        `${origin}: has ${report.documents.length} imported document(s); a published version holds entries only, so this bank cannot be published to replicas yet`,
      ),
    ]);
  }
  const all = report.entries.map((v) => v.entry);
  const published = all.filter((e) => e.status === 'published');
  if (published.length === 0) {
    // Valid but empty: every question would abstain. Almost certainly a mistake; never publish it.
    throw new IssueError([
      issue(
        'kb-rejected',
        `${origin}: no published entry (${all.length} entries in all); the previous version keeps serving`,
      ),
    ]);
  }
  const topics = new Map<string, string | null>();
  const entries: JsonObject[] = [];
  const stored: JsonObject[] = [];
  for (const e of all) {
    const plain = JSON.parse(JSON.stringify(e)) as JsonObject;
    const topic = topicOf(e.id);
    topics.set(e.id, topic);
    entries.push(plain);
    stored.push(topic === null ? plain : { ...plain, topic });
  }
  return {
    version: computeVersion(published, []),
    stored,
    entries,
    topics,
    published: published.length,
    warnings: report.issues.filter((i) => i.severity !== 'error'),
    origin,
  };
}

/** Read and validate a knowledge directory. Throws `IssueError` (`kb-rejected` first) when invalid. */
export function prepareDirectory(dir: string): PreparedBank {
  let report: ValidationReport;
  let topicById: Map<string, string>;
  try {
    const loaded = loadBank(dir);
    report = validateBank(loaded);
    topicById = new Map(report.entries.map((v) => [v.entry.id, v.topic]));
  } catch (e) {
    throw new IssueError([
      issue('kb-rejected', `cannot read the knowledge directory: ${(e as Error).message}`),
    ]);
  }
  return prepared(report, dir, (id) => topicById.get(id) || null);
}

/** Validate entries given as data (a request body, a stored version). */
export function prepareEntries(raw: readonly unknown[], origin: string): PreparedBank {
  const topics = new Map<string, string | null>();
  const inputs = raw.map((e) => {
    // Anything but an object goes to validation as it is, which reports it by position.
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return e;
    const { topic, ...rest } = e as Record<string, unknown>;
    if (topic !== undefined && typeof topic !== 'string') return e; // validation names the bad field
    if (typeof rest.id === 'string') topics.set(rest.id, topic ? topic : null);
    return rest;
  });
  return prepared(validateEntries(inputs), origin, (id) => topics.get(id) ?? null);
}

/**
 * What a replica starting now should serve: the store's current publication, or — when nothing
 * was published yet, or `forcePublish` — the directory's bank, published first.
 */
export async function startingKnowledge(
  store: Store,
  dir: string,
  options: { forcePublish?: boolean; publishedBy?: string } = {},
): Promise<ServingKnowledge & { publishedNow: boolean; directoryVersion: string | null }> {
  const current = options.forcePublish ? null : await store.currentKnowledge();
  if (current) {
    const stored = await store.getKnowledgeVersion(current.version);
    if (!stored) {
      throw new IssueError([
        issue(
          'not-found',
          `publication #${current.n} names knowledge version ${current.version}, which is not stored`,
        ),
      ]);
    }
    const { entries, topics } = splitTopics(stored.entries);
    let directoryVersion: string | null = null;
    try {
      directoryVersion = prepareDirectory(dir).version;
    } catch {
      directoryVersion = null; // the directory is only informative here
    }
    return { publication: current, entries, topics, publishedNow: false, directoryVersion };
  }
  const bank = prepareDirectory(dir);
  const publication = await store.publishKnowledge({
    version: bank.version,
    entries: bank.stored,
    publishedBy: options.publishedBy ?? 'serve',
    note: `published from ${dir} on start`,
  });
  return {
    publication,
    entries: bank.entries,
    topics: bank.topics,
    publishedNow: true,
    directoryVersion: bank.version,
  };
}

/** Events worth a log line (the app logs them; this module has no logger). */
export type SyncEvent =
  | { kind: 'applied'; publication: KnowledgePublication; changed: boolean }
  | { kind: 'refused'; publication: KnowledgePublication; issues: Issue[] }
  | { kind: 'error'; publication: KnowledgePublication | null; error: Error };

/** Keeps one engine on the store's latest publication. */
export class KnowledgeSync {
  readonly #engine: Engine;
  readonly #store: Store;
  readonly #onEvent: (e: SyncEvent) => void;
  #applied: KnowledgePublication | null;
  #topics: { version: string; topics: Map<string, string | null> };
  #queue: Promise<unknown> = Promise.resolve();
  #unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    engine: Engine,
    store: Store,
    serving: { publication: KnowledgePublication | null; topics: Map<string, string | null> },
    onEvent: (e: SyncEvent) => void = () => {},
  ) {
    this.#engine = engine;
    this.#store = store;
    this.#applied = serving.publication;
    this.#topics = { version: engine.knowledge().version, topics: serving.topics };
    this.#onEvent = onEvent;
  }

  /** The publication being served (null before the first one is known). */
  get publication(): KnowledgePublication | null {
    return this.#applied;
  }

  /** The topic of an entry of the version being served, when it was published from a directory. */
  topicOf(id: string): string | null {
    if (this.#topics.version !== this.#engine.knowledge().version) return null;
    return this.#topics.topics.get(id) ?? null;
  }

  /** Listen for publications by any replica. */
  async start(): Promise<void> {
    if (this.#unsubscribe) return;
    this.#unsubscribe = await this.#store.subscribe((p) => this.apply(p).then(() => undefined));
  }

  async stop(): Promise<void> {
    const u = this.#unsubscribe;
    this.#unsubscribe = null;
    if (u) await u();
    await this.#queue;
  }

  /**
   * Serve publication `p` if it is newer than the one served. `bank` spares a read of the
   * store when the caller has just validated the same entries.
   */
  apply(p: KnowledgePublication, bank?: PreparedBank): Promise<{ changed: boolean }> {
    const run = this.#queue.then(() => this.#apply(p, bank));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(p: KnowledgePublication, bank?: PreparedBank): Promise<{ changed: boolean }> {
    if (this.#applied && p.n <= this.#applied.n) return { changed: false };
    try {
      let entries: JsonObject[];
      let topics: Map<string, string | null>;
      if (bank && bank.version === p.version) {
        ({ entries, topics } = bank);
      } else {
        const stored = await this.#store.getKnowledgeVersion(p.version);
        if (!stored) throw new Error(`knowledge version ${p.version} of publication #${p.n} is not stored`);
        ({ entries, topics } = splitTopics(stored.entries));
      }
      const before = this.#engine.knowledge().version;
      const r = await this.#engine.reload({ entries, origin: `publication #${p.n}` });
      if (!r.ok) {
        this.#onEvent({ kind: 'refused', publication: p, issues: r.issues });
        return { changed: false };
      }
      this.#applied = p;
      this.#topics = { version: r.snapshot.version, topics };
      const changed = r.snapshot.version !== before;
      this.#onEvent({ kind: 'applied', publication: p, changed });
      return { changed };
    } catch (e) {
      this.#onEvent({ kind: 'error', publication: p, error: e instanceof Error ? e : new Error(String(e)) });
      throw e;
    }
  }

  /**
   * Validate, publish and serve a bank. Throws `IssueError` with `kb-rejected` (nothing
   * published, the previous version keeps serving) or the store's error.
   */
  async publish(
    bank: PreparedBank,
    by: { publishedBy: string; note: string | null },
  ): Promise<{ publication: KnowledgePublication; changed: boolean }> {
    const publication = await this.#store.publishKnowledge({
      version: bank.version,
      entries: bank.stored,
      publishedBy: by.publishedBy,
      note: by.note,
    });
    const before = this.#engine.knowledge().version;
    await this.apply(publication, bank);
    return { publication, changed: this.#engine.knowledge().version !== before };
  }
}
