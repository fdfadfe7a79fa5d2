import { describe, expect, it } from 'vitest';
import { parseCorpus } from './beir.js';
import { docsToCorpusJsonl } from './nfcorpus-preprocessed.js';

describe('docsToCorpusJsonl', () => {
  it('turns ID<TAB>TEXT lines (CRLF, blank lines, no final newline) into BEIR corpus lines', () => {
    const jsonl = docsToCorpusJsonl('MED-1\tstatin breast cancer\r\n\nMED-2\tvitamin num ng/ml');
    expect(parseCorpus(jsonl, 'corpus.jsonl')).toEqual([
      { id: 'MED-1', title: '', text: 'statin breast cancer' },
      { id: 'MED-2', title: '', text: 'vitamin num ng/ml' },
    ]);
  });

  it('names the line that has no id', () => {
    expect(() => docsToCorpusJsonl('MED-1\tok\nno tab here')).toThrow('test.docs:2: expected ID<TAB>TEXT');
  });
});
