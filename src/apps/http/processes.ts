/**
 * @module apps/http/processes
 * Support for the integration tests and the benchmark: run the built `fertility serve` as a child
 * process (the same program `npm start` runs), and drive HTTP load at it with node:http.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../paths.js';

/** The built command line; `npm run build` (run by `npm test`) produces it. */
export const BUILT_CLI = join(PROJECT_ROOT, 'dist', 'src', 'apps', 'cli', 'main.js');

/** A `fertility serve` child process that is listening. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything written to stderr so far (JSON log lines). */
  stderr(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | string>;
}

/**
 * Start `node dist/src/apps/cli/main.js serve --json --port 0 ARGS…` and wait until it prints
 * its URL. Rejects (with its stderr) if it exits first or does not listen within `timeoutMs`.
 */
export function startServeProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; stderr?: 'pipe' | 'ignore' } = {},
): Promise<ServeProcess> {
  if (!existsSync(BUILT_CLI)) {
    return Promise.reject(new Error(`${BUILT_CLI} is missing: run "npm run build" first (npm test does)`));
  }
  const child = spawn(process.execPath, [BUILT_CLI, 'serve', '--json', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString('utf8');
    if (err.length > 4_000_000) err = err.slice(-2_000_000); // keep the tail of a long run
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise<ServeProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start within ${options.timeoutMs ?? 60_000} ms: ${err.slice(-3000)}`));
    }, options.timeoutMs ?? 60_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening: ${err.slice(-3000)}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        const { url } = JSON.parse(line) as { url: string };
        resolve({
          child,
          url,
          stderr: () => err,
          exited,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}

/** The outcome of one request: a status, or a connection error code. */
export interface Outcome {
  status: number | null;
  error: string | null;
  /** ms since the load started, when the response ended. */
  at: number;
  ms: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with node:http (keep-alive through `agent`). */
export function request(
  url: string,
  init: {
    method?: string;
    path: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    agent?: http.Agent;
  },
): Promise<Omit<Outcome, 'at'>> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      new URL(init.path, url),
      {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        ...(init.agent ? { agent: init.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? null,
            error: null,
            ms: performance.now() - t0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (e: NodeJS.ErrnoException) =>
          resolve({
            status: null,
            error: e.code ?? e.message,
            ms: performance.now() - t0,
            headers: {},
            body: '',
          }),
        );
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({
        status: null,
        error: e.code ?? e.message,
        ms: performance.now() - t0,
        headers: {},
        body: '',
      }),
    );
    req.end(init.body);
  });
}

/**
 * Keep `connections` clients each sending `next()` requests back to back until `stop()`; a
 * client stops on its first connection error (the server has gone) when `stopOnError`.
 */
export function loadLoop(
  url: string,
  connections: number,
  next: (i: number) => { path: string; body?: string },
  options: { stopOnError?: boolean } = {},
): { outcomes: Outcome[]; stop: () => Promise<Outcome[]>; finished: Promise<Outcome[]> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const outcomes: Outcome[] = [];
  const start = performance.now();
  let running = true;
  let n = 0;
  const workers = Array.from({ length: connections }, async () => {
    while (running) {
      const r = await request(url, { ...next(n++), agent });
      outcomes.push({ ...r, at: performance.now() - start });
      if (r.error && options.stopOnError) return;
    }
  });
  const finished = Promise.all(workers).then(() => {
    agent.destroy();
    return outcomes;
  });
  return {
    outcomes,
    finished,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return outcomes;
    },
  };
}
