/**
 * @module apps/http/static
 * Serves the clinician web UI (`src/apps/web/static/`) at `/`. Written here rather than added as
 * `@fastify/static` because the need is small (a handful of files, GET/HEAD, ETag revalidation)
 * and a dependency would be larger than this file.
 *
 * - Content types by extension; anything unknown is `application/octet-stream`, and every file
 *   is sent with `X-Content-Type-Options: nosniff`.
 * - Caching: HTML is `no-cache` (always revalidated, so a new UI shows at once); other assets are
 *   cached for an hour and then revalidated; both carry an ETag and Last-Modified, answered with
 *   304 when unchanged.
 * - Security headers: a Content-Security-Policy allowing only same-origin scripts, styles,
 *   images and connections (no inline scripts), no framing, no referrer.
 * - Paths are decoded once, must stay inside the folder, and hidden files are never served.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { IssueError, issue } from '../../domain/issues.js';

/** Content types by file extension (lower case, with the dot). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/** A file to send (or a 304), as the transport renders it. */
export interface StaticReply {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * Resolve a request path to a file of `root`. Throws `not-found` for anything that is not a
 * regular, non-hidden file inside `root`. `ifNoneMatch` is the request's header (304 when it matches).
 */
export async function staticFile(root: string, urlPath: string, ifNoneMatch?: string): Promise<StaticReply> {
  const missing = (): IssueError =>
    new IssueError([issue('not-found', `no such page: ${urlPath.slice(0, 200)}`)]);
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0] ?? '');
  } catch {
    throw missing();
  }
  if (rel.includes('\0')) throw missing();
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const parts = rel.split(/[\\/]+/).filter((p) => p !== '');
  if (parts.some((p) => p.startsWith('.'))) throw missing(); // `..`, `.git`, `.env`: never
  const base = resolve(root);
  const file = resolve(join(base, ...parts));
  if (!file.startsWith(base + sep)) throw missing();
  let info;
  try {
    info = await stat(file);
  } catch {
    throw missing();
  }
  if (!info.isFile()) throw missing();
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const ext = extname(file).toLowerCase();
  const isHtml = ext === '.html' || ext === '.htm';
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    etag,
    'last-modified': info.mtime.toUTCString(),
    'cache-control': isHtml ? 'no-cache' : 'public, max-age=3600',
  };
  if (
    ifNoneMatch !== undefined &&
    ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')
  ) {
    return { status: 304, headers, body: null };
  }
  return { status: 200, headers, body: await readFile(file) };
}
