// `kb validate` over the bundled knowledge/ bank, as part of the test suite (issue 4, "done when").
// When this fails, the message lists what `fertility kb validate` would print: fix the entries,
// not this test.
import { describe, expect, it } from 'vitest';
import { KNOWLEDGE_DIR } from '../paths.js';
import { loadBank } from './load.js';
import { validateBank } from './validate.js';

describe('the bundled knowledge bank', () => {
  it('passes kb validate (no errors; warnings allowed)', () => {
    const report = validateBank(loadBank(KNOWLEDGE_DIR, { cache: false }));
    const errors = report.issues.filter((i) => i.severity === 'error');
    const listing = errors
      .slice(0, 40)
      .map((i) => `  ${i.path ?? '(bank)'}: ${i.code}: ${i.message}`)
      .join('\n');
    expect(
      errors.length,
      `knowledge/ has ${errors.length} validation error(s). Run \`./bin/fertility kb validate\` and fix the entries:\n${listing}` +
        (errors.length > 40 ? `\n  … and ${errors.length - 40} more` : ''),
    ).toBe(0);
  });
});
