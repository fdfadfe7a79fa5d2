/**
 * @module apps/web/screens/lab
 * Lab report screen: paste or upload a report → `POST /v1/lab-reports/normalize` → the normalized
 * table (contracts §3): analyte, canonical value, flag in words, converted reference range, a plot
 * of the value against that range (with a text alternative), the line as printed, method and
 * naming confidence; then unrecognized lines and warnings.
 */
import type { Client, NormalizeOptions, StoredReport } from '../client.js';
import { announce, busy, byId, errorView, focusOn, h, replace, svg } from '../dom.js';
import { formatNumber, rangePlot } from '../format.js';
import { issuesView } from '../render.js';

type Observation = StoredReport['observations'][number];

const FLAG_WORDS: Record<NonNullable<Observation['flag']>, { text: string; mark: string }> = {
  low: { text: 'Low', mark: '↓' },
  normal: { text: 'Normal', mark: '' },
  high: { text: 'High', mark: '↑' },
};

function valueText(o: Observation): string {
  return `${o.comparator ?? ''}${formatNumber(o.value)} ${o.unit}`;
}

function rangeText(r: Observation['referenceRange']): string {
  if (!r) return '';
  if (r.low !== undefined && r.high !== undefined)
    return `${formatNumber(r.low)}–${formatNumber(r.high)} ${r.unit}`;
  if (r.high !== undefined) return `≤ ${formatNumber(r.high)} ${r.unit}`;
  if (r.low !== undefined) return `≥ ${formatNumber(r.low)} ${r.unit}`;
  return '';
}

/** The value against its converted reference range, as a small SVG with a text alternative. */
export function plotView(o: Observation): HTMLElement {
  const plot = rangePlot(o.value, o.referenceRange);
  if (!plot) return h('span', { class: 'muted small' }, 'no range to plot');
  const W = 140;
  const H = 22;
  const pad = 6;
  const x = (t: number): number => pad + t * (W - 2 * pad);
  const where =
    o.flag === 'low'
      ? 'below'
      : o.flag === 'high'
        ? 'above'
        : o.flag === 'normal'
          ? 'within'
          : plot.value < plot.low
            ? 'below'
            : plot.value > plot.high
              ? 'above'
              : 'within';
  const label = `${valueText(o)}, ${where} the reference range ${rangeText(o.referenceRange)}${
    plot.offScale ? ' (far outside: drawn at the edge)' : ''
  }`;
  const vx = x(plot.value);
  // The marker's shape carries the position too (triangle pointing down/up when outside), so the
  // plot does not rely on colour.
  const marker =
    where === 'within'
      ? svg('circle', { cx: vx, cy: H / 2, r: 4.5, class: 'plot-marker plot-in' })
      : svg('path', {
          d:
            where === 'below'
              ? `M${vx - 5},${H / 2 - 4} L${vx + 5},${H / 2 - 4} L${vx},${H / 2 + 5} Z`
              : `M${vx - 5},${H / 2 + 4} L${vx + 5},${H / 2 + 4} L${vx},${H / 2 - 5} Z`,
          class: 'plot-marker plot-out',
        });
  return h(
    'figure',
    { class: 'plot' },
    svg(
      'svg',
      { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, focusable: 'false' },
      svg('title', null, label),
      svg('line', { x1: pad, y1: H / 2, x2: W - pad, y2: H / 2, class: 'plot-axis' }),
      svg('rect', {
        x: x(plot.low),
        y: H / 2 - 5,
        width: Math.max(1, x(plot.high) - x(plot.low)),
        height: 10,
        class: 'plot-range',
      }),
      !plot.lowOpen
        ? svg('line', { x1: x(plot.low), y1: 3, x2: x(plot.low), y2: H - 3, class: 'plot-bound' })
        : null,
      !plot.highOpen
        ? svg('line', { x1: x(plot.high), y1: 3, x2: x(plot.high), y2: H - 3, class: 'plot-bound' })
        : null,
      marker,
    ),
  );
}

function flagView(o: Observation): HTMLElement {
  if (!o.flag) return h('span', { class: 'flag flag-none' }, 'No range');
  const f = FLAG_WORDS[o.flag];
  return h(
    'span',
    { class: `flag flag-${o.flag}` },
    f.mark ? h('span', { 'aria-hidden': 'true' }, `${f.mark} `) : null,
    f.text,
    o.labFlag ? h('span', { class: 'small' }, ` (lab: ${o.labFlag})`) : null,
  );
}

/** The normalized report as a table plus unrecognized lines and warnings. */
export function reportView(r: StoredReport, headingId: string): HTMLElement {
  const rep = r.report;
  const summary = [
    rep ? `Format: ${rep.format}` : null,
    rep?.languages?.length ? `language: ${rep.languages.join(', ')}` : null,
    rep?.lines !== undefined ? `${rep.lines} lines read` : null,
    `${r.observations.length} results recognized`,
    `${r.unrecognized.length} lines not recognized`,
  ]
    .filter(Boolean)
    .join(' · ');
  const table = h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': `${headingId}-caption`, tabindex: '0' },
    h(
      'table',
      { class: 'lab-table' },
      h(
        'caption',
        { id: `${headingId}-caption` },
        'Normalized results (values in canonical units; the report’s own line beside)',
      ),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [
            'Analyte',
            'Result',
            'Flag',
            'Reference range',
            'Value against range',
            'As printed',
            'Method',
            'Naming confidence',
          ].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        r.observations.map((o) =>
          h(
            'tr',
            { 'data-analyte': o.analyte },
            h(
              'th',
              { scope: 'row' },
              h('span', { class: 'analyte' }, o.analyte),
              o.loinc ? h('span', { class: 'small muted block' }, `LOINC ${o.loinc}`) : null,
            ),
            h(
              'td',
              { class: 'num' },
              h('span', { class: 'value' }, valueText(o)),
              o.conversion && o.conversion.via !== 'identity'
                ? h('span', { class: 'small muted block' }, `converted from ${o.conversion.from}`)
                : null,
            ),
            h('td', null, flagView(o)),
            h(
              'td',
              null,
              o.referenceRange ? rangeText(o.referenceRange) : h('span', { class: 'muted' }, 'none printed'),
              o.referenceRange
                ? h('span', { class: 'small muted block' }, `printed: ${o.referenceRange.text}`)
                : null,
            ),
            h('td', null, plotView(o)),
            h(
              'td',
              { class: 'printed' },
              h('span', null, o.original.name),
              h('span', { class: 'block' }, h('code', null, `${o.original.value} ${o.original.unit}`.trim())),
              h('span', { class: 'small muted block' }, `line ${o.original.line}`),
            ),
            h('td', null, o.method ?? h('span', { class: 'muted' }, '—')),
            h('td', { class: 'num' }, `${Math.round(o.confidence * 100)} %`),
          ),
        ),
      ),
    ),
  );
  return h(
    'div',
    null,
    h('h2', { id: headingId, tabindex: '-1' }, 'Normalized report'),
    h('p', { class: 'muted' }, summary),
    r.observations.length ? table : h('p', null, 'No result could be named with confidence.'),
    h('h3', null, `Lines not recognized (${r.unrecognized.length})`),
    r.unrecognized.length
      ? h(
          'ul',
          { class: 'unrecognized' },
          r.unrecognized.map((u) =>
            h(
              'li',
              null,
              h('span', { class: 'muted' }, `line ${u.line}: `),
              h('code', null, u.text),
              u.reason ? ` (${u.reason})` : '',
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'None: every line that looked like a result was named.'),
    h('h3', null, `Warnings (${r.warnings.length})`),
    r.warnings.length ? issuesView(r.warnings) : h('p', { class: 'muted' }, 'None.'),
    h('p', { class: 'small muted' }, `Stored as lab report ${r.id} (de-identified).`),
  );
}

/** Wire the lab report screen. */
export function setupLab(client: Client): void {
  const form = byId<HTMLFormElement>('lab-form');
  const text = byId<HTMLTextAreaElement>('lab-text');
  const file = byId<HTMLInputElement>('lab-file');
  const sex = byId<HTMLSelectElement>('lab-sex');
  const submit = byId<HTMLButtonElement>('lab-submit');
  const status = byId('lab-status');
  const result = byId('lab-result');

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    const chosenSex = sex.value;
    const s: NormalizeOptions = chosenSex === 'female' || chosenSex === 'male' ? { sex: chosenSex } : {};
    if (text.value.trim() === '' && !chosen) {
      replace(result, h('p', { class: 'error', role: 'alert' }, 'Paste a report or choose a file first.'));
      text.setAttribute('aria-invalid', 'true');
      text.focus();
      return;
    }
    text.removeAttribute('aria-invalid');
    void busy(submit, result, status, 'Normalizing the report…', async () => {
      try {
        // Pasted text wins when both are given: it is what the clinician sees on screen.
        const r =
          text.value.trim() !== ''
            ? await client.normalizeText(text.value, s)
            : await client.normalizeFile(chosen!, { ...s, filename: chosen!.name });
        replace(result, reportView(r, 'lab-report-heading'));
        announce(
          status,
          `Normalized: ${r.observations.length} results, ${r.unrecognized.length} lines not recognized.`,
        );
        focusOn(byId('lab-report-heading'));
      } catch (err) {
        replace(result, errorView(err, 'Normalizing the report'));
        announce(status, 'Normalizing the report failed.');
        focusOn(result.querySelector<HTMLElement>('.error'));
      }
    });
  });
}
