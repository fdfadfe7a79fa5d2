import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonl } from './questions.js';

const Row = z.strictObject({ id: z.string(), n: z.number() });

describe('parseJsonl', () => {
  it('parses one object per non-empty line, CRLF or LF', () => {
    expect(parseJsonl('{"id":"a","n":1}\r\n\n{"id":"b","n":2}\n', 'x.jsonl', Row)).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
    ]);
  });

  it('names the file and line of the first bad line', () => {
    expect(() => parseJsonl('{"id":"a","n":1}\n{oops', 'x.jsonl', Row)).toThrow(/^x\.jsonl:2: not JSON/);
    expect(() => parseJsonl('\n{"id":"a","n":"one"}', 'x.jsonl', Row)).toThrow(/^x\.jsonl:2: .*n/s);
  });
});
