// Module hooks that let a plain `node` child process run this project's TypeScript sources, for
// the store contract's multi-process tests (vitest transforms TypeScript only inside its own
// workers). Registered with `--import` from store.contract.ts; test support only.
// Each .ts file is transpiled on its own with the TypeScript compiler already in devDependencies
// (no type checking: tsc checks the same files separately); `.js` specifiers fall back to `.ts`,
// as they do under NodeNext resolution.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (relative && specifier.endsWith('.js')) return nextResolve(specifier.slice(0, -3) + '.ts', context);
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const out = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      sourceMap: false,
    },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
