/**
 * @module apps/http/server
 * `fertility serve`: open the store, decide which knowledge version to serve, build the engine
 * and the app once, listen, and shut down cleanly on SIGTERM/SIGINT.
 *
 * - Listening: while no API key exists the service is a single-clinic install and listens on
 *   127.0.0.1 only; asking for another address then is refused. Once a key exists it listens on
 *   `--host` (default 0.0.0.0) and every `/v1` route needs a key.
 * - Knowledge: the store's current publication, or the knowledge directory published first when
 *   nothing was ever published (`knowledge-sync.ts`); every later publication, by any replica,
 *   is swapped in without a restart.
 * - Shutdown: stop accepting connections, answer the requests in flight (each has awaited its
 *   audit commit), then close the store and resolve `done` with exit code 0. Requests that arrive
 *   on open keep-alive connections meanwhile get 503 `shutting-down` (retryable). If draining
 *   takes longer than `drainTimeoutMs`, the remaining connections are cut and the code is 1.
 */
import type { Cluster } from 'node:cluster';
import { isIP } from 'node:net';
import pino from 'pino';
import { openStore } from '../../adapters/open-store.js';
import { configFromEnv } from '../../config/index.js';
import { IssueError, issue } from '../../domain/issues.js';
import { createEngine } from '../../engine.js';
import { KnowledgeBank } from '../../kb/bank.js';
import { KNOWLEDGE_DIR } from '../../paths.js';
import type { Store } from '../../ports/store.js';
import { createApp, type App } from './app.js';
import { startingKnowledge } from './knowledge-sync.js';

/** Options of `fertility serve`. */
export interface ServeOptions {
  /** Default 8080; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Database URL (`openStore`); default `$FERTILITY_DB`, else the embedded SQLite file under `.data/`. */
  db?: string;
  knowledgeDir?: string;
  /** Publish the knowledge directory on start even if a version is already published. */
  publishKnowledge?: boolean;
  /** Tenant names allowed to publish knowledge once keys exist (default `local`). */
  knowledgeAdmins?: string[];
  /** pino level: fatal, error, warn, info (default), debug, silent. */
  logLevel?: string;
  drainTimeoutMs?: number;
  /**
   * Handle SIGTERM/SIGINT (default true; false when embedded, e.g. in a test process). `worker`:
   * a cluster worker, which drains on the first signal and ignores repeats (the primary and the
   * terminal may both signal it), leaving forced exits to the primary.
   */
  signals?: boolean | 'worker';
}

/** A server that is listening. */
export interface RunningServer {
  url: string;
  host: string;
  port: number;
  app: App;
  store: Store;
  /** Start a graceful shutdown (as SIGTERM does); resolves with the exit code. */
  shutdown(reason?: string): Promise<number>;
  /** Resolves with the exit code once the server has shut down. */
  done: Promise<number>;
}

/** Addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host.startsWith('::ffff:127.');
  return false;
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** The service logger: JSON lines on stderr, with anything that could carry personal data redacted. */
export function serviceLogger(level = 'info'): pino.Logger {
  if (!LEVELS.has(level)) {
    throw new IssueError([
      issue('input-invalid', `--log-level must be one of ${[...LEVELS].join(', ')}`, { path: 'log-level' }),
    ]);
  }
  return pino(
    {
      level,
      base: { pid: process.pid },
      // The app never logs these; redaction is the second line of defence if someone does.
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'authorization',
          'body',
          'question',
          'intake',
          'text',
          'report',
          'key',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/**
 * Where to listen: `--host`, else 127.0.0.1 while no API key exists and 0.0.0.0 once one does.
 * Refuses an address beyond loopback while no key exists.
 */
export async function resolveHost(
  store: Store,
  asked: string | undefined,
): Promise<{ host: string; keysExist: boolean }> {
  const keysExist = await store.hasAnyKey();
  const host = asked ?? (keysExist ? '0.0.0.0' : '127.0.0.1');
  if (!keysExist && !isLoopback(host)) {
    throw new IssueError([
      issue(
        'forbidden',
        `no API key exists yet, so this server listens on 127.0.0.1 only; create a key for each clinic before listening on ${host}`,
        { path: 'host' },
      ),
    ]);
  }
  return { host: host === 'localhost' ? '127.0.0.1' : host, keysExist };
}

/** Start the service (see the module comment). Throws `IssueError` for bad options or an unusable store/bank. */
export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const port = opts.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new IssueError([
      issue('input-invalid', `--port must be an integer 0–65535, got ${String(opts.port)}`, { path: 'port' }),
    ]);
  }
  const log = serviceLogger(opts.logLevel ?? 'info');
  const envConfig = configFromEnv();
  const knowledgeDir = opts.knowledgeDir ?? envConfig.knowledgeDir ?? KNOWLEDGE_DIR;
  // `$FERTILITY_DB` as the admin commands read it, so `key create` and `serve` agree by default.
  const store = await openStore(opts.db ?? process.env.FERTILITY_DB, {
    onBackgroundError: (e) => log.warn({ err: e.message }, 'store background fault'),
  });
  try {
    const { host, keysExist } = await resolveHost(store, opts.host);

    const start = await startingKnowledge(store, knowledgeDir, {
      ...(opts.publishKnowledge ? { forcePublish: true } : {}),
      publishedBy: 'serve',
    });
    const bank = await KnowledgeBank.fromEntries(start.entries).catch((e: unknown) => {
      if (e instanceof IssueError) {
        throw new IssueError([
          issue(
            'kb-rejected',
            `the published knowledge version ${start.publication.version} (publication #${start.publication.n}) does not validate with this engine; ` +
              'publish a valid one (serve --publish-knowledge publishes the knowledge directory)',
          ),
          ...e.issues.slice(0, 20),
        ]);
      }
      throw e;
    });
    const engine = await createEngine({ ...envConfig, knowledgeDir }, { bank });
    const app = await createApp({
      engine,
      store,
      config: {
        logger: log,
        knowledgeDir,
        ...(opts.knowledgeAdmins ? { knowledgeAdmins: opts.knowledgeAdmins } : {}),
      },
      knowledge: { publication: start.publication, topics: start.topics },
    });
    if (start.directoryVersion !== null && start.directoryVersion !== engine.knowledge().version) {
      log.info(
        { kb: engine.knowledge().version, directory: start.directoryVersion },
        'the knowledge directory differs from the published version served; POST /v1/knowledge/reload publishes it',
      );
    }
    await app.fastify.listen({ port, host });
    const address = app.fastify.server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
    log.info(
      {
        url,
        store: store.location,
        kb: engine.knowledge().version,
        publication: start.publication.n,
        auth: keysExist ? 'api-key' : 'none',
      },
      'listening',
    );

    let resolveDone: (code: number) => void = () => {};
    const done = new Promise<number>((r) => (resolveDone = r));
    let shuttingDown: Promise<number> | null = null;
    const drainMs = opts.drainTimeoutMs ?? 30_000;
    const shutdown = (reason = 'requested'): Promise<number> => {
      shuttingDown ??= (async () => {
        log.info({ reason }, 'shutting down: draining requests in flight');
        let code = 0;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), drainMs)));
        const result = await Promise.race([app.close().then(() => 'closed' as const), timedOut]);
        clearTimeout(timer);
        if (result === 'timeout') {
          code = 1;
          log.error(
            { drainMs },
            'requests still in flight after the drain timeout; cutting their connections',
          );
          app.fastify.server.closeAllConnections();
          await app.close();
        }
        await store.close();
        log.info({ code }, 'stopped');
        log.flush();
        resolveDone(code);
        return code;
      })();
      return shuttingDown;
    };
    if (opts.signals !== false) {
      const worker = opts.signals === 'worker';
      const onSignal = (signal: NodeJS.Signals): void => {
        if (shuttingDown) {
          if (worker) return; // the primary decides when waiting has gone on too long
          log.warn({ signal }, 'second signal: exiting without waiting');
          log.flush();
          process.exit(1);
        }
        void shutdown(signal);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      void done.then(() => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      });
    }
    return { url, host, port: boundPort, app, store, shutdown, done };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** What `fertility serve` prints once listening (stdout with `--json`, else a line on stderr). */
export interface ListeningLine {
  url: string;
  store: string;
  knowledgeVersion: string | null;
  publication: number | null;
  auth: 'none' | 'api-key';
  workers: number;
}

/**
 * `fertility serve`: one process, or with `workers > 1` a node:cluster primary and that many
 * worker processes sharing the port. Resolves with the exit code after a graceful shutdown.
 *
 * Why workers: answering is CPU-bound and one Node process uses one core. Workers are ordinary
 * replicas of the service on one store (on SQLite: a few processes on one file, which the store
 * supports; knowledge publications reach the other workers through `Store.subscribe`). The
 * primary opens the store only to check the listening rule and to publish the knowledge
 * directory when nothing is published yet, so that workers never race to publish it.
 */
export async function runServe(
  opts: ServeOptions & { workers?: number },
  announce: (line: ListeningLine) => void,
): Promise<number> {
  const workers = opts.workers ?? 1;
  const { default: cluster } = await import('node:cluster');
  if (cluster.isWorker) {
    // A worker: the primary already published; it signals this process directly.
    const server = await startServer({ ...opts, publishKnowledge: false, signals: 'worker' });
    const code = await server.done;
    // The IPC channel to the primary would keep this process alive.
    process.exit(code);
  }
  if (workers <= 1) {
    const server = await startServer(opts);
    const kb = server.app.knowledge.publication;
    announce({
      url: server.url,
      store: server.store.location,
      knowledgeVersion: kb?.version ?? null,
      publication: kb?.n ?? null,
      auth: (await server.store.hasAnyKey()) ? 'api-key' : 'none',
      workers: 1,
    });
    return server.done;
  }
  return runPrimary(opts, workers, announce, cluster);
}

async function runPrimary(
  opts: ServeOptions,
  workers: number,
  announce: (line: ListeningLine) => void,
  cluster: Cluster,
): Promise<number> {
  const log = serviceLogger(opts.logLevel ?? 'info');
  const knowledgeDir = opts.knowledgeDir ?? configFromEnv().knowledgeDir ?? KNOWLEDGE_DIR;
  const store = await openStore(opts.db ?? process.env.FERTILITY_DB);
  let prepared: { host: string; keysExist: boolean; publication: { version: string; n: number } };
  try {
    const { host, keysExist } = await resolveHost(store, opts.host);
    const start = await startingKnowledge(store, knowledgeDir, {
      ...(opts.publishKnowledge ? { forcePublish: true } : {}),
      publishedBy: 'serve',
    });
    prepared = { host, keysExist, publication: start.publication };
  } finally {
    await store.close();
  }

  let stopping = false;
  const exitCodes: number[] = [];
  const listening = new Set<number>();
  let announced = false;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((r) => (resolveDone = r));
  let firstPort = opts.port ?? 8080;

  const fork = (): void => {
    cluster.fork();
  };
  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    firstPort = address.port;
    if (!announced && listening.size >= workers) {
      announced = true;
      const host = prepared.host;
      announce({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${firstPort}`,
        store: store.location,
        knowledgeVersion: prepared.publication.version,
        publication: prepared.publication.n,
        auth: prepared.keysExist ? 'api-key' : 'none',
        workers,
      });
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) {
      exitCodes.push(code ?? (signal ? 1 : 0));
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log.info({ codes: exitCodes }, 'all workers stopped');
        log.flush();
        resolveDone(exitCodes.every((c) => c === 0) ? 0 : 1);
      }
      return;
    }
    if (!announced) {
      // A worker that dies before the service is up will not do better on a retry (bad options,
      // unusable store): give up, with its stderr already on ours.
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) resolveDone(code ?? 1);
      exitCodes.push(code ?? 1);
      return;
    }
    log.error({ worker: worker.process.pid, code, signal }, 'worker exited unexpectedly; starting another');
    setTimeout(fork, 1000).unref();
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: stopping workers without waiting');
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      return;
    }
    stopping = true;
    log.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'shutting down workers');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  for (let i = 0; i < workers; i++) fork();
  const code = await done;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return code;
}
