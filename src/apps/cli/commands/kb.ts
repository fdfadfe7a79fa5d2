/**
 * @module apps/cli/commands/kb
 * `fertility kb validate|stats|diff|import`: knowledge-bank curation (contracts §2, issue 4).
 * The heavy modules are imported inside the actions so that `fertility --help` stays fast.
 */
import type { Command } from 'commander';
import type { Issue } from '../../../domain/issues.js';
import { CliError, EXIT, printJson } from '../io.js';

interface CommonOpts {
  json?: boolean;
  cache?: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

async function loadAndValidate(dir: string | undefined, opts: CommonOpts & { today?: string }) {
  const { KNOWLEDGE_DIR } = await import('../../../paths.js');
  const { loadBank, BankNotFoundError } = await import('../../../kb/load.js');
  const { validateBank } = await import('../../../kb/validate.js');
  if (opts.today !== undefined && !DATE.test(opts.today))
    throw new CliError(`--today: expected YYYY-MM-DD, got "${opts.today}"`, EXIT.usage);
  const target = dir ?? KNOWLEDGE_DIR;
  let bank;
  try {
    bank = loadBank(target, { cache: opts.cache !== false });
  } catch (e) {
    if (e instanceof BankNotFoundError) throw new CliError(e.message);
    throw e;
  }
  const report = validateBank(bank, opts.today ? { today: opts.today } : {});
  return { target, bank, report };
}

function formatIssue(i: Issue): string {
  return `${i.path ?? '(bank)'}: ${i.severity} ${i.code}: ${i.message}`;
}

/** Add the `kb` command group. */
export function register(program: Command): void {
  const kb = program.command('kb').description('knowledge bank curation: validate, stats, diff, import');

  kb.command('validate')
    .description('check every entry and imported document; exits 1 when any error is found')
    .argument('[dir]', 'bank directory (default: the bundled knowledge/)')
    .option('--json', 'machine output: { ok, errors, warnings, checked, issues }')
    .option('--today <date>', 'date for review-by checks (YYYY-MM-DD; default today)')
    .option('--no-cache', 'parse every file afresh (the cache only skips YAML parsing, never validation)')
    .action(async (dir: string | undefined, opts: CommonOpts & { today?: string }) => {
      const { target, report } = await loadAndValidate(dir, opts);
      if (opts.json) {
        printJson({
          ok: report.ok,
          dir: target,
          errors: report.errors,
          warnings: report.warnings,
          checked: report.checked,
          issues: report.issues,
        });
      } else {
        for (const i of report.issues) process.stdout.write(formatIssue(i) + '\n');
        const c = report.checked;
        process.stdout.write(
          `${report.ok ? 'ok' : 'FAILED'}: ${c.entries} entries, ${c.documents} documents (${c.chunks} chunks); ` +
            `${report.errors} errors, ${report.warnings} warnings` +
            (c.verifiedFrom === 'skipped' ? '; verifiedFrom files not checked (no ../shared/domain)' : '') +
            '\n',
        );
      }
      if (!report.ok) {
        process.stderr.write(`fertility: kb validate: ${report.errors} error(s) in ${target}\n`);
        process.exitCode = EXIT.input;
      }
    });

  kb.command('stats')
    .description('counts, sources by body, and the knowledge version (content hash)')
    .argument('[dir]', 'bank directory (default: the bundled knowledge/)')
    .option('--json', 'machine output: { entries, published, withSource, bodies, version, … }')
    .option('--today <date>', 'date for review-by checks (YYYY-MM-DD; default today)')
    .option('--no-cache', 'parse every file afresh')
    .action(async (dir: string | undefined, opts: CommonOpts & { today?: string }) => {
      const { bank, report } = await loadAndValidate(dir, opts);
      const { bankStats, formatStats } = await import('../../../kb/stats.js');
      const stats = bankStats(bank, report);
      if (opts.json) printJson(stats);
      else process.stdout.write(formatStats(stats) + '\n');
      if (!report.ok)
        process.stderr.write(
          `fertility: kb stats: the bank has ${report.errors} validation error(s); run fertility kb validate\n`,
        );
    });

  kb.command('diff')
    .description('entries added, removed, changed, superseded, withdrawn between two versions')
    .argument('<a>', 'a bank directory, or a git revision (HEAD~1, a tag; REV:path for another folder)')
    .argument('<b>', 'the same, for the newer side')
    .option(
      '--json',
      'machine output: { from, to, added, removed, changed, superseded, withdrawn, published, documents }',
    )
    .option('--today <date>', 'date for review-by checks (YYYY-MM-DD; default today)')
    .action(async (a: string, b: string, opts: { json?: boolean; today?: string }) => {
      if (opts.today !== undefined && !DATE.test(opts.today))
        throw new CliError(`--today: expected YYYY-MM-DD, got "${opts.today}"`, EXIT.usage);
      const { diffRefs, formatDiff, DiffRefError } = await import('../../../kb/diff.js');
      let d;
      try {
        d = diffRefs(a, b, opts.today ? { validate: { today: opts.today } } : {});
      } catch (e) {
        if (e instanceof DiffRefError) throw new CliError(e.message);
        throw e;
      }
      if (opts.json) printJson(d);
      else process.stdout.write(formatDiff(d) + '\n');
    });
}
