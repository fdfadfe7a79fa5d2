/**
 * @module pipeline/profile/compare
 * Threshold tests that respect censored values. A result reported as `<0.03` is an interval, not
 * a number: "AMH < 1.0" is certainly true for it, "AMH < 0.01" cannot be decided. Every
 * classifier compares through `satisfies` so that a censored value is never read as exact.
 */
import type { Comparator } from '../../domain/observation.js';

export type Op = 'lt' | 'lte' | 'gt' | 'gte';

export interface Quantity {
  value: number;
  comparator?: Comparator | undefined;
}

const OP_TEXT: Record<Op, string> = { lt: '<', lte: '≤', gt: '>', gte: '≥' };
/** `lt` → `<`, for rule texts. */
export const opText = (op: Op): string => OP_TEXT[op];

interface Interval {
  lo: number;
  loOpen: boolean;
  hi: number;
  hiOpen: boolean;
}

function interval(q: Quantity): Interval {
  switch (q.comparator) {
    case '<':
      return { lo: -Infinity, loOpen: true, hi: q.value, hiOpen: true };
    case '<=':
      return { lo: -Infinity, loOpen: true, hi: q.value, hiOpen: false };
    case '>':
      return { lo: q.value, loOpen: true, hi: Infinity, hiOpen: true };
    case '>=':
      return { lo: q.value, loOpen: false, hi: Infinity, hiOpen: true };
    case undefined:
      return { lo: q.value, loOpen: false, hi: q.value, hiOpen: false };
  }
}

/**
 * Whether the quantity satisfies `x op threshold`: `true` for every value it may stand for,
 * `false` for none, `null` when a censored value leaves it undecided.
 */
export function satisfies(q: Quantity, op: Op, threshold: number): boolean | null {
  const { lo, loOpen, hi, hiOpen } = interval(q);
  let all: boolean;
  let none: boolean;
  switch (op) {
    case 'lt':
      all = hi < threshold || (hi === threshold && hiOpen);
      none = lo >= threshold;
      break;
    case 'lte':
      all = hi <= threshold;
      none = lo > threshold || (lo === threshold && loOpen);
      break;
    case 'gt':
      all = lo > threshold || (lo === threshold && loOpen);
      none = hi <= threshold;
      break;
    case 'gte':
      all = lo >= threshold;
      none = hi < threshold || (hi === threshold && hiOpen);
      break;
  }
  return all ? true : none ? false : null;
}

/**
 * A quantity for display in `inputs`: `0.03` or `"<0.03"`, to 4 significant digits (a converted
 * value such as 48 pmol/L → 6.72268907563 ng/mL is shown as 6.723; comparisons use the full value).
 */
export function quantityText(q: Quantity): number | string {
  const v = Number(q.value.toPrecision(4));
  return q.comparator ? `${q.comparator}${v}` : v;
}
