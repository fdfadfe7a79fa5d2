import { describe, expect, it } from 'vitest';
import * as patterns from './patterns.js';

/**
 * Every regular expression of the lab-report pipeline, against long adversarial inputs. A pattern
 * with catastrophic (exponential) backtracking never finishes and a quadratic one takes many
 * seconds at this length, while a linear one takes milliseconds: the bound below is two orders of
 * magnitude above linear time on a loaded machine, so it does not flake, and far below what a
 * quadratic pattern needs on 100 000 characters.
 */
const LENGTH = 100_000;
const BOUND_MS = 3_000;

function collect(): Array<[string, RegExp]> {
  const out: Array<[string, RegExp]> = [];
  for (const [name, v] of Object.entries(patterns)) {
    if (v instanceof RegExp) out.push([name, v]);
    else if (Array.isArray(v)) {
      for (const item of v) {
        if (Array.isArray(item) && item[1] instanceof RegExp)
          out.push([`${name}[${String(item[0])}]`, item[1]]);
      }
    }
  }
  out.push(['hl7EscapePattern(\\)', patterns.hl7EscapePattern('\\')]);
  out.push(['hl7EscapePattern(#)', patterns.hl7EscapePattern('#')]);
  return out;
}

// Units repeated to LENGTH: runs of what the patterns quantify over, and mixes that almost match.
const UNITS = [
  ' ',
  '\t',
  '.',
  '. ',
  '0',
  '1.',
  '1,',
  '1 ',
  '11 ',
  'a',
  'A',
  'a ',
  'A ',
  'Aa ',
  '-',
  '1-',
  '- ',
  '<',
  '< 1 ',
  '(',
  '(1',
  '[',
  '/',
  '@',
  'a@',
  'a.',
  '+1',
  '+1 ',
  'x10^',
  '10^6/',
  'é',
  'م',
  'م ',
  '٣',
  '|',
  ':',
  ': ',
  '_',
  '…',
  'Dr. ',
  'A. ',
  'Ab ',
  '0.',
  '1-1 ',
  'up to ',
  'a:',
  'Name: ',
  'DOB ',
  '12/',
  '1/1/',
  '\\F',
  '\\',
  'n°',
  'x ',
  '1 a ',
  'rue ',
  '1 rue ',
  'str ',
  'ab-',
  'A1',
  'A1-',
  '1a',
  '*',
  '↑',
  'H ',
  'mg/',
  'µ',
  '%',
  '1%',
  '"',
  '";',
];
const SUFFIXES = ['', '!', '\u0000', '1', 'a:', ' x'];

function inputs(): string[] {
  const out: string[] = [];
  for (const u of UNITS) {
    const body = u.repeat(Math.ceil(LENGTH / u.length)).slice(0, LENGTH);
    for (const s of SUFFIXES) out.push(body + s);
  }
  return out;
}

function exercise(re: RegExp, s: string): void {
  if (re.global || re.sticky) {
    re.lastIndex = 0;
    // Walk every match, as the pipeline does with exec loops.
    let guard = 0;
    for (let m = re.exec(s); m !== null && guard < LENGTH + 10; m = re.exec(s)) {
      if (m[0].length === 0) re.lastIndex++;
      guard++;
    }
    re.lastIndex = 0;
  } else {
    re.test(s);
  }
}

describe('patterns: no catastrophic backtracking', () => {
  const all = collect();
  const data = inputs();

  it('finds the patterns to check', () => {
    expect(all.length).toBeGreaterThan(60);
  });

  it.each(all)(
    '%s stays linear on long adversarial inputs',
    (_name, re) => {
      for (const s of data) {
        const t0 = performance.now();
        exercise(re, s);
        const ms = performance.now() - t0;
        expect(ms, `input ${JSON.stringify(s.slice(0, 12))}… took ${ms.toFixed(0)} ms`).toBeLessThan(
          BOUND_MS,
        );
      }
    },
    // Hundreds of 100 000-character inputs per pattern: the per-input bound above is the check.
    300_000,
  );
});

describe('patterns: behaviour', () => {
  it('reads dot leaders and pipes as column gaps', () => {
    expect('AMH ........ 1.2'.replace(patterns.LEADER, '\t')).toBe('AMH \t 1.2');
    expect('AMH . . . . 1.2'.replace(patterns.LEADER, '\t')).toBe('AMH \t 1.2');
    expect('1.2'.replace(patterns.LEADER, '\t')).toBe('1.2');
  });

  it('recognises value chunks with comparators and glued flags', () => {
    for (const v of ['<1', '≥1,4', '↑5.1', '8,57*', '12.5H', '3.1(L)', '> 1000'.replace(' ', '')]) {
      expect(patterns.VALUE_CHUNK.test(v), v).toBe(true);
    }
    for (const v of ['17-OH', '25OH', 'T4', '12/03/2024', '10:30', '1.2.']) {
      expect(patterns.VALUE_CHUNK.test(v), v).toBe(false);
    }
  });

  it('matches identifier labels only at label positions with a separator', () => {
    const hits = (s: string): string[] => {
      patterns.DEID_LABEL.lastIndex = 0;
      return [...s.matchAll(patterns.DEID_LABEL)].map((m) => m[0].trim());
    };
    expect(hits('Patient Name : X')).toHaveLength(1);
    expect(hits('Nombre total de spermatozoïdes   120')).toHaveLength(0);
    expect(hits('Test Name   Result')).toHaveLength(0);
  });
});
