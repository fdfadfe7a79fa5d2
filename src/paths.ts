/**
 * @module paths
 * Where the project's data folders are, from both `src/` (tests) and `dist/src/` (built CLI):
 * walk up from this file to the directory holding package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('fertility-engine: cannot locate the project root (package.json) from ' + import.meta.url);
}

export const PROJECT_ROOT = findRoot();
/** Clinical data as files: terminology, criteria, questionnaires (not benchmark data). */
export const CLINICAL_DIR = join(PROJECT_ROOT, 'clinical');
export const KNOWLEDGE_DIR = join(PROJECT_ROOT, 'knowledge');
export const MODELS_DIR = join(PROJECT_ROOT, 'models');
/** Public benchmark data shared by the workplace; read from here, never committed. */
export const SHARED_DATA_DIR =
  process.env.FERTILITY_SHARED_DATA ?? join(PROJECT_ROOT, '..', 'shared', 'data');
