/**
 * @module apps/cli/commands/serve
 * `fertility serve [--port N] [--host H] [--db URL] [--knowledge DIR] [--workers N]`: the HTTP
 * API and the clinician web UI (contracts §8). Embedded SQLite under `.data/` by default;
 * `--db postgres://…` for several replicas on one PostgreSQL. Logs are JSON lines on stderr; with
 * `--json` one line `{ "url", "store", "knowledgeVersion", "publication", "auth", "workers" }` is
 * printed on stdout once listening (for scripts and tests). Returns after SIGTERM/SIGINT once
 * requests have drained (see `apps/http/server.ts`).
 */
import type { Command } from 'commander';
import { CliError, EXIT } from '../io.js';

interface ServeCliOptions {
  port: string;
  host?: string;
  db?: string;
  knowledge?: string;
  publishKnowledge?: boolean;
  kbAdmin?: string[];
  logLevel: string;
  drainTimeout: string;
  workers: string;
  json?: boolean;
}

function integer(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new CliError(`--${name} must be an integer ${min}–${max}, got "${value}"`, EXIT.usage);
  return n;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('HTTP API and web UI (SQLite by default; --db postgres://… for replicas)')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <host>', 'address to listen on (127.0.0.1 until an API key exists; then default 0.0.0.0)')
    .option(
      '--db <url>',
      'database: postgres://…[?schema=name], sqlite:PATH or a file path (default $FERTILITY_DB or .data/fertility.db)',
    )
    .option(
      '--knowledge <dir>',
      'knowledge directory (published when nothing is, and re-read by POST /v1/knowledge/reload)',
    )
    .option(
      '--publish-knowledge',
      'publish the knowledge directory on start even if a version is already published',
    )
    .option(
      '--kb-admin <tenant...>',
      'tenants allowed to publish knowledge once API keys exist (default: local)',
    )
    .option('--log-level <level>', 'fatal, error, warn, info, debug or silent', 'info')
    .option('--drain-timeout <ms>', 'longest wait for requests in flight on SIGTERM', '30000')
    .option('--workers <n>', 'worker processes sharing the port (answering is CPU-bound: one per core)', '1')
    .option('--json', 'print one JSON line on stdout when listening')
    .action(async (o: ServeCliOptions) => {
      const { runServe } = await import('../../http/server.js');
      const code = await runServe(
        {
          port: integer(o.port, 'port', 0, 65535),
          drainTimeoutMs: integer(o.drainTimeout, 'drain-timeout', 0, 600_000),
          workers: integer(o.workers, 'workers', 1, 64),
          logLevel: o.logLevel,
          ...(o.host !== undefined ? { host: o.host } : {}),
          ...(o.db !== undefined ? { db: o.db } : {}),
          ...(o.knowledge !== undefined ? { knowledgeDir: o.knowledge } : {}),
          ...(o.publishKnowledge ? { publishKnowledge: true } : {}),
          ...(o.kbAdmin ? { knowledgeAdmins: o.kbAdmin } : {}),
        },
        (line) => {
          if (o.json) process.stdout.write(JSON.stringify(line) + '\n');
          else process.stderr.write(`fertility: serving on ${line.url} (${line.store}); Ctrl-C to stop\n`);
        },
      );
      if (code !== 0) process.exitCode = code;
    });
}
