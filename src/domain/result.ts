/**
 * @module domain/result
 * Three-way results for domain operations (after ucum-lhc's `status`):
 * - `ok`: it worked (possibly with warnings);
 * - `declined`: a domain decision not to produce a value (unknown analyte, incommensurable
 *   units, insufficient evidence) — a first-class outcome, not an exception;
 * - `error`: bad input.
 */
import type { Issue } from './issues.js';

export type Result<T> =
  | { kind: 'ok'; value: T; issues: Issue[] }
  | { kind: 'declined'; reasons: Issue[] }
  | { kind: 'error'; issues: Issue[] };

export const ok = <T>(value: T, issues: Issue[] = []): Result<T> => ({ kind: 'ok', value, issues });
export const declined = <T>(reasons: Issue[]): Result<T> => ({ kind: 'declined', reasons });
export const failed = <T>(issues: Issue[]): Result<T> => ({ kind: 'error', issues });
