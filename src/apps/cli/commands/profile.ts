/**
 * @module apps/cli/commands/profile
 * `fertility profile INTAKE.json [--json] [--semen-reference who2021|who2010]`: couple intake
 * (contracts §4) → couple profile (contracts §5). `-` reads stdin. `--json` prints the profile
 * JSON and nothing else on stdout; the default output is a readable summary for a clinician:
 * each classification with its value, rule, inputs and source. An invalid intake is a one-line
 * error on stderr naming every field at fault, and a non-zero exit.
 */
import { Option, type Command } from 'commander';
import { IssueError } from '../../../domain/issues.js';
import type { Classification, CoupleProfile } from '../../../domain/profile.js';
import type { TracedSource } from '../../../domain/source.js';
import { printJson, readJsonFile } from '../io.js';

interface ProfileCliOptions {
  json?: boolean;
  semenReference: 'who2021' | 'who2010';
}

function sourceText(s: TracedSource): string {
  const where = s.doi ? `doi:${s.doi}` : (s.url ?? '');
  const tags = [...new Set(s.verifiedFrom.map((v) => v.tag))].join('/');
  return `${s.body}. ${s.document} (${s.year}), ${s.section}. ${where} [verified: ${tags}]`;
}

function inputsText(c: Classification): string {
  return Object.entries(c.inputs)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** The readable profile (human output). */
export function formatProfile(p: CoupleProfile): string {
  const out: string[] = ['COUPLE PROFILE', '', 'Classifications'];
  for (const c of p.classifications) {
    const sub = c.subgroup ? ` (sub-group ${c.subgroup})` : '';
    out.push(`  ${c.id}: ${c.value}${sub}`);
    out.push(`      rule:    ${c.rule}`);
    const inputs = inputsText(c);
    if (inputs) out.push(`      inputs:  ${inputs}`);
    out.push(`      source:  ${sourceText(c.source)}`);
    for (const s of c.additionalSources ?? []) out.push(`      also:    ${sourceText(s)}`);
    out.push(`      criteria: ${c.criterionSet.name} (${c.criterionSet.year})`);
    for (const n of c.need ?? []) out.push(`      needs:   ${n}`);
    for (const n of c.notes ?? []) out.push(`      note:    ${n}`);
  }
  out.push('', `Couple: ${p.couple.value}`);
  for (const f of p.couple.femaleFactors) out.push(`  female factor: ${f.factor} (${f.because})`);
  for (const f of p.couple.maleFactors) out.push(`  male factor: ${f.factor} (${f.because})`);
  if (p.couple.incompleteWorkUp.length)
    out.push(`  work-up incomplete: ${p.couple.incompleteWorkUp.join('; ')}`);
  out.push(`  not assessed by the engine: ${p.couple.notAssessedByEngine.join('; ')}`);
  out.push('', 'Lifestyle flags (modifiable)');
  if (p.flags.length === 0) out.push('  none raised');
  for (const f of p.flags) {
    out.push(`  ${f.id}: ${f.rule}`);
    out.push(`      source:  ${sourceText(f.source)}`);
  }
  out.push('', 'Missing data');
  if (p.missing.length === 0) out.push('  nothing');
  for (const m of p.missing) out.push(`  ${m.for}: ${m.need.join('; ')}`);
  if (p.prakriti) {
    const k = p.prakriti;
    out.push('', `Prakriti (${k.instrument.name} ${k.instrument.version}; not a validated tool)`);
    out.push(
      `  vata ${k.vata}, pitta ${k.pitta}, kapha ${k.kapha}; dominant: ${k.dominant ?? 'not scored'} (${k.answered}/${k.items} items answered)`,
    );
    for (const c of k.correlates) {
      out.push(`  correlate [exploratory, evidence ${c.evidence}, n=${c.study.n}]: ${c.statement}`);
      out.push(`      source:  ${sourceText(c.source)}`);
    }
    for (const g of k.evidenceGaps) out.push(`  evidence gap (${g.topic}): ${g.statement}`);
    out.push(`  ${k.disclaimer}`);
  }
  out.push('', `Prognosis: ${p.prognosis.available ? 'available' : 'not available'} - ${p.prognosis.reason}`);
  if (p.warnings.length) {
    out.push('', 'Warnings');
    for (const w of p.warnings) out.push(`  [${w.code}] ${w.message}`);
  }
  out.push('', 'Limitations');
  for (const l of p.limitations) out.push(`  - ${l}`);
  return out.join('\n') + '\n';
}

/** Adds `fertility profile`. */
export function register(program: Command): void {
  program
    .command('profile')
    .description(
      'couple intake (JSON) → couple profile with classifications, flags, missing data and Prakriti',
    )
    .argument('<intake>', 'intake JSON file (contracts §4); - reads stdin')
    .option('--json', 'print the profile as JSON (contracts §5) and nothing else on stdout')
    .addOption(
      new Option('--semen-reference <ref>', 'semen reference limits')
        .choices(['who2021', 'who2010'])
        .default('who2021'),
    )
    .action(async (file: string, opts: ProfileCliOptions) => {
      const intake = readJsonFile(file);
      const { buildProfile } = await import('../../../pipeline/profile/index.js');
      const r = await buildProfile(intake, { semenReference: opts.semenReference });
      if (r.kind !== 'ok') throw new IssueError(r.kind === 'error' ? r.issues : r.reasons);
      if (opts.json) printJson(r.value);
      else process.stdout.write(formatProfile(r.value));
    });
}
