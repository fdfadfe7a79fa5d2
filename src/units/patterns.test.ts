import { describe, expect, it } from 'vitest';
import * as P from './patterns.js';
import { parseUnit } from './parse.js';

// Catastrophic-backtracking check: every exported regex runs over long adversarial inputs. A
// backtracking-prone pattern takes seconds to hours here; linear ones take well under a second.
// (A guard against pathological regexes, not a speed benchmark.)
const adversarial = [
  'x10'.repeat(30_000),
  '('.repeat(100_000),
  '10^'.repeat(30_000) + '!',
  'a'.repeat(100_000) + '/',
  ' per'.repeat(25_000),
  'mU'.repeat(50_000) + '[',
  '['.repeat(50_000) + 'a'.repeat(50_000),
  'µ'.repeat(100_000),
];

describe('units/patterns', () => {
  it('every regex completes quickly on long adversarial strings', () => {
    const regexes = Object.values(P).filter((v): v is RegExp => v instanceof RegExp);
    expect(regexes.length).toBeGreaterThanOrEqual(8);
    for (const re of regexes) {
      for (const s of adversarial) {
        const t0 = performance.now();
        re.lastIndex = 0;
        if (re.global) s.replace(re, '');
        else re.test(s);
        expect(performance.now() - t0, `${re} on ${s.slice(0, 12)}…`).toBeLessThan(500);
      }
    }
  });

  it('parseUnit caps long input before any regex runs', () => {
    for (const s of adversarial) expect(parseUnit(s).kind).toBe('declined');
  });
});
