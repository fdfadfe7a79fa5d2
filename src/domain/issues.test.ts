import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderIssuesDoc } from '../../scripts/issues-doc.js';
import { PROJECT_ROOT } from '../paths.js';
import { ISSUE_CATALOG, issue, IssueError } from './issues.js';

describe('issue catalog', () => {
  it('docs/issues.md lists exactly the catalog (regenerate with node dist/scripts/issues-doc.js)', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'docs', 'issues.md'), 'utf8')).toBe(renderIssuesDoc());
  });

  it('codes are kebab-case and every meaning is a sentence', () => {
    for (const [code, v] of Object.entries(ISSUE_CATALOG)) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(v.meaning).toMatch(/^[A-Z`].*[.)]$/);
    }
  });

  it('issue() applies the default severity and an IssueError names paths', () => {
    const i = issue('input-invalid', 'must be a number', { path: 'female.age' });
    expect(i.severity).toBe('error');
    expect(new IssueError([i]).message).toBe('female.age: must be a number');
  });
});
