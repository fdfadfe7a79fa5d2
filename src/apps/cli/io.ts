/**
 * @module apps/cli/io
 * Shared plumbing for commands: reading inputs (files or `-` for stdin), writing JSON, and the
 * one-line error contract (contracts §2): bad input exits non-zero with one line on stderr.
 */
import { readFileSync } from 'node:fs';
import { IssueError, issue } from '../../domain/issues.js';

/** Exit codes: 0 ok, 1 bad input / declined, 2 usage, 3 internal failure. */
export const EXIT = { ok: 0, input: 1, usage: 2, internal: 3 } as const;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.input) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function readInput(path: string, maxBytes = 50 * 1024 * 1024): Buffer {
  let buf: Buffer;
  try {
    buf = path === '-' ? readFileSync(0) : readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${path}: no such file`);
    if (code === 'EISDIR') throw new CliError(`${path}: is a directory, expected a file`);
    throw new CliError(`${path}: cannot read (${code ?? String(e)})`);
  }
  if (buf.length > maxBytes) {
    throw new IssueError([
      issue('input-too-large', `${path}: ${buf.length} bytes exceeds the limit of ${maxBytes}`),
    ]);
  }
  return buf;
}

export function readJsonFile(path: string): unknown {
  const text = readInput(path).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Turn any thrown value into the one-line stderr message and an exit code. */
export function reportFailure(e: unknown): number {
  if (e instanceof CliError) {
    process.stderr.write(`fertility: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof IssueError) {
    process.stderr.write(`fertility: ${e.message.replace(/\s+/g, ' ')}\n`);
    return EXIT.input;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`fertility: internal error: ${msg.replace(/\s+/g, ' ')}\n`);
  if (process.env.FERTILITY_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
  return EXIT.internal;
}
