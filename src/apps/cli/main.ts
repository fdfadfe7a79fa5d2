/**
 * @module apps/cli/main
 * `fertility` — the command line (contracts §2). Each command lives in `commands/<name>.ts` and
 * exports `register(program)`; registrars are light, and each action imports its heavy
 * implementation lazily so that `fertility --help` and cold start stay fast.
 */
import { Command } from 'commander';
import { reportFailure } from './io.js';
import type { Registrar } from './registrar.js';

const registrars: Array<() => Promise<{ register: Registrar }>> = [
  // one line per command module, in help order (groups such as `eval` and `train` are shared
  // through commandGroup, so order does not matter for them)
  () => import('./commands/normalize.js'),
  () => import('./commands/kb.js'),
  () => import('./commands/train.js'),
  () => import('./commands/profile.js'),
  () => import('./commands/serve.js'),
  () => import('./commands/answers.js'),
  () => import('./commands/eval.js'),
  () => import('./commands/admin.js'),
];

export async function main(argv: string[]): Promise<number> {
  const program = new Command('fertility')
    .description('Evidence-grounded fertility intelligence engine')
    .showHelpAfterError('(run fertility --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const load of registrars) (await load()).register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    // commander throws for --help/--version (exit 0) and for usage errors (already printed).
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      return ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' ? 0 : 2;
    }
    return reportFailure(e);
  }
}

// `fertility … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
  throw e;
});

const code = await main(process.argv.slice(2));
// Do not call process.exit for long-running commands (serve); they keep the loop alive.
if (code !== 0) process.exitCode = code;
