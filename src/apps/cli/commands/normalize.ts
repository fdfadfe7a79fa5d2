/**
 * @module apps/cli/commands/normalize
 * `fertility normalize FILE… [--json|--fhir]`: lab reports → canonical observations
 * (contracts §2, §3). `-` reads stdin. One file: the report itself (`--json`) or a FHIR Bundle
 * (`--fhir`). Several files: `{ "files": [ { "file", "report" | "bundle" | "error" } ] }`, one
 * entry per file in the order given. A file that cannot be read is a one-line error on stderr
 * and a non-zero exit; the other files are still normalized.
 */
import { statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { NormalizedReport, Observation } from '../../../domain/observation.js';
import { CliError, EXIT, printJson, readInput } from '../io.js';

interface NormalizeCliOptions {
  json?: boolean;
  fhir?: boolean;
  sex?: string;
}

interface FileError {
  code: string;
  message: string;
}

type FileOutcome = { file: string; report: NormalizedReport } | { file: string; error: FileError };

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

async function normalizeFile(file: string, sex: 'female' | 'male' | undefined): Promise<FileOutcome> {
  const { normalizeLabReport, reportError, MAX_REPORT_BYTES } =
    await import('../../../pipeline/normalize/index.js');
  if (file !== '-') {
    // Check the size before reading, so a huge file is refused without loading it.
    try {
      const size = statSync(file).size;
      if (size > MAX_REPORT_BYTES) {
        return {
          file,
          error: {
            code: 'input-too-large',
            message: `${size} bytes; the limit is ${MAX_REPORT_BYTES} bytes`,
          },
        };
      }
    } catch {
      // readInput below reports missing files and directories with a clear message.
    }
  }
  let bytes: Buffer;
  try {
    bytes = readInput(file, MAX_REPORT_BYTES);
  } catch (e) {
    const code = (e as { issues?: Array<{ code: string }> }).issues?.[0]?.code ?? 'input-invalid';
    const message = e instanceof CliError ? e.message.replace(`${file}: `, '') : (e as Error).message;
    return { file, error: { code, message } };
  }
  const report = await normalizeLabReport(bytes, {
    ...(file !== '-' ? { filename: file } : {}),
    ...(sex !== undefined ? { sex } : {}),
  });
  const err = reportError(report);
  if (err) return { file, error: { code: err.code, message: err.message } };
  return { file, report };
}

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  return String(Number(n.toPrecision(6)));
}

function rangeText(o: Observation): string {
  const r = o.referenceRange;
  if (r === null) return '';
  if (r.low !== undefined && r.high !== undefined) return `${fmt(r.low)}–${fmt(r.high)}`;
  if (r.high !== undefined) return `≤ ${fmt(r.high)}`;
  if (r.low !== undefined) return `≥ ${fmt(r.low)}`;
  return '';
}

/** A readable table of one report (human output). */
export function formatReport(report: NormalizedReport): string {
  const rows: string[][] = [
    ['line', 'analyte', 'value', 'unit', 'range', 'flag', 'method', 'as printed', 'conf'],
  ];
  for (const o of report.observations) {
    rows.push([
      String(o.original.line),
      o.analyte,
      `${o.comparator ?? ''}${fmt(o.value)}`,
      o.unit,
      rangeText(o),
      o.flag ?? '',
      o.method ?? '',
      `${o.original.name}: ${o.original.value} ${o.original.unit}`.trim(),
      o.confidence.toFixed(2),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const lines = rows.map((r) =>
    r
      .map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (report.observations.length === 0) lines.push('(no observations)');
  if (report.unrecognized.length > 0) {
    lines.push('', 'unrecognized:');
    for (const u of report.unrecognized) lines.push(`  line ${u.line}: ${u.text}`);
  }
  if (report.warnings.length > 0) {
    lines.push('', 'notes:');
    for (const w of report.warnings) lines.push(`  ${w.severity} ${w.code}: ${oneLine(w.message)}`);
  }
  return lines.join('\n');
}

/** Add the `normalize` command. */
export function register(program: Command): void {
  program
    .command('normalize')
    .description(
      'lab report(s) → canonical observations (text, PDF text layer, CSV/TSV, FHIR R4 JSON, HL7 v2 ORU); "-" reads stdin',
    )
    .argument('<files...>', 'report files, or - for stdin')
    .option(
      '--json',
      'machine output: the normalized report (several files: { files: [ { file, report | error } ] })',
    )
    .addOption(
      new Option(
        '--fhir',
        'FHIR R4 Bundle of Observations (several files: { files: [ { file, bundle | error } ] })',
      ).conflicts('json'),
    )
    .addOption(
      new Option('--sex <sex>', 'sex of the person the reports are about, when known').choices([
        'female',
        'male',
      ]),
    )
    .action(async (files: string[], opts: NormalizeCliOptions) => {
      if (files.filter((f) => f === '-').length > 1)
        throw new CliError('stdin ("-") can be read only once', EXIT.usage);
      const sex = opts.sex === 'female' || opts.sex === 'male' ? opts.sex : undefined;
      const outcomes: FileOutcome[] = [];
      for (const f of files) outcomes.push(await normalizeFile(f, sex));
      const failed = outcomes.filter((o): o is { file: string; error: FileError } => 'error' in o);
      if (files.length === 1) {
        const only = outcomes[0]!;
        if ('error' in only)
          throw new CliError(`${only.file}: ${only.error.code}: ${oneLine(only.error.message)}`);
        if (opts.fhir) {
          const { toFhirBundle } = await import('../../../pipeline/normalize/to-fhir.js');
          printJson(toFhirBundle(only.report));
        } else if (opts.json) printJson(only.report);
        else process.stdout.write(formatReport(only.report) + '\n');
        return;
      }
      if (opts.fhir || opts.json) {
        const { toFhirBundle } = await import('../../../pipeline/normalize/to-fhir.js');
        printJson({
          files: outcomes.map((o) =>
            'error' in o ? o : opts.fhir ? { file: o.file, bundle: toFhirBundle(o.report) } : o,
          ),
        });
      } else {
        const parts = outcomes.map((o) =>
          'error' in o
            ? `== ${o.file}: not read (${o.error.code})`
            : `== ${o.file}\n${formatReport(o.report)}`,
        );
        process.stdout.write(parts.join('\n\n') + '\n');
      }
      for (const f of failed)
        process.stderr.write(`fertility: ${f.file}: ${f.error.code}: ${oneLine(f.error.message)}\n`);
      if (failed.length > 0) process.exitCode = EXIT.input;
    });
}
