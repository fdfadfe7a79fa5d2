/**
 * @module apps/cli/commands/kb
 * `fertility kb validate|stats|diff|import`: knowledge-bank curation (contracts §2, issue 4).
 * The heavy modules are imported inside the actions so that `fertility --help` stays fast.
 */
import type { Command } from 'commander';
import type { Issue } from '../../../domain/issues.js';
import { join } from 'node:path';
import { CliError, EXIT, printJson } from '../io.js';

interface CommonOpts {
  json?: boolean;
  cache?: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface ImportCliOpts {
  body?: string;
  document?: string;
  year?: string;
  section?: string;
  url?: string;
  doi?: string;
  strength?: string;
  certainty?: string;
  title?: string;
  id?: string;
  format?: string;
  maxTokens?: string;
  out?: string;
  replace?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

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

  kb.command('import')
    .description(
      'split a guideline or paper (Markdown, HTML, PDF) into cited chunks under knowledge/documents/',
    )
    .argument('<file>', 'the document (.md, .html, .pdf, .txt)')
    .option('--body <body>', 'issuing body, e.g. ESHRE (required)')
    .option('--document <title>', 'document name as cited (required)')
    .option('--year <year>', 'publication year (required)')
    .option('--section <section>', 'section imported, or "whole document" (required)')
    .option('--url <url>', 'where the document can be checked (url or doi required)')
    .option('--doi <doi>', 'DOI, e.g. 10.1093/humrep/dead150')
    .option('--strength <text>', "the source's own grading, when the whole document has one")
    .option('--certainty <text>', "the source's certainty of evidence, when the whole document has one")
    .option('--title <title>', 'display title (default: found in the document)')
    .option('--id <docId>', 'document id and folder name (default: from body, document, year)')
    .option('--format <format>', 'markdown, html, pdf or text (default: from the extension or content)')
    .option(
      '--max-tokens <n>',
      'token budget per chunk (default 400; estimate: words × 1.3, long tokens by length)',
    )
    .option('--out <dir>', 'documents folder to write into (default: knowledge/documents)')
    .option('--replace', 'replace an earlier import with the same id')
    .option('--dry-run', 'split and report, write nothing')
    .option('--json', 'machine output: { docId, dir, chunks, byKind, maxChunkTokens, notes }')
    .action(async (file: string, opts: ImportCliOpts) => {
      const { importDocument, writeDocument, DocumentExistsError } =
        await import('../../../kb/import/index.js');
      const { KNOWLEDGE_DIR } = await import('../../../paths.js');
      const { readInput } = await import('../io.js');
      const { IssueError } = await import('../../../domain/issues.js');
      const year = opts.year === undefined ? undefined : Number(opts.year);
      if (opts.year !== undefined && !/^\d{4}$/.test(opts.year))
        throw new CliError(`--year: expected a year such as 2023, got "${opts.year}"`, EXIT.usage);
      const maxTokens = opts.maxTokens === undefined ? undefined : Number(opts.maxTokens);
      if (opts.maxTokens !== undefined && !/^\d+$/.test(opts.maxTokens))
        throw new CliError(`--max-tokens: expected a whole number, got "${opts.maxTokens}"`, EXIT.usage);
      const formats = ['markdown', 'html', 'pdf', 'text'] as const;
      const format = opts.format as (typeof formats)[number] | undefined;
      if (format !== undefined && !formats.includes(format))
        throw new CliError(`--format: expected one of ${formats.join(', ')}`, EXIT.usage);
      const bytes = readInput(file);
      const src = {
        ...(opts.body !== undefined && { body: opts.body }),
        ...(opts.document !== undefined && { document: opts.document }),
        ...(year !== undefined && { year }),
        ...(opts.section !== undefined && { section: opts.section }),
        ...(opts.url !== undefined && { url: opts.url }),
        ...(opts.doi !== undefined && { doi: opts.doi }),
        ...(opts.strength !== undefined && { strength: opts.strength }),
        ...(opts.certainty !== undefined && { certainty: opts.certainty }),
        ...(opts.title !== undefined && { title: opts.title }),
        ...(opts.id !== undefined && { docId: opts.id }),
      };
      const started = performance.now();
      const r = await importDocument(new Uint8Array(bytes), src, {
        fileName: file === '-' ? 'stdin' : file,
        ...(format !== undefined && { format }),
        ...(maxTokens !== undefined && { maxTokens }),
      });
      if (!r.ok) throw new IssueError(r.issues);
      const { doc } = r;
      let dir: string | null = null;
      if (!opts.dryRun) {
        try {
          dir = writeDocument(opts.out ?? join(KNOWLEDGE_DIR, 'documents'), doc, {
            replace: opts.replace === true,
          });
        } catch (e) {
          if (e instanceof DocumentExistsError) throw new CliError(e.message);
          throw e;
        }
      }
      const byKind: Record<string, number> = {};
      for (const c of doc.chunks) byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
      const summary = {
        docId: doc.meta.docId,
        title: doc.meta.title,
        dir,
        format: doc.meta.format,
        chunks: doc.chunks.length,
        byKind,
        maxTokens: doc.meta.chunking.maxTokens,
        maxChunkTokens: Math.max(0, ...doc.chunks.map((c) => c.tokens)),
        source: doc.meta.source,
        notes: doc.notes,
        ms: Math.round(performance.now() - started),
      };
      for (const n of doc.notes) process.stderr.write(`note: ${n}\n`);
      if (opts.json) printJson(summary);
      else
        process.stdout.write(
          `${dir ? `wrote ${dir}` : 'dry run (nothing written)'}: ${summary.chunks} chunks ` +
            `(${Object.entries(byKind)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}), largest ${summary.maxChunkTokens} of ${summary.maxTokens} tokens\n`,
        );
    });
}
