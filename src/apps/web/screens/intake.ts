/**
 * @module apps/web/screens/intake
 * Couple intake screen (contracts §4): both partners' main fields, structured lab and semen rows,
 * treatments, history, lifestyle, a pasted lab report per partner and the Prakriti questionnaire
 * (its items come from `GET /v1/prakriti/questionnaire`) → `POST /v1/profiles`.
 *
 * Each control's `name` is its intake path (`female.labs[0].value`), so the intake is built from
 * the form generically (`buildIntake`) and an API error naming `female.heightCm` or
 * `body.female.labs[0].value` is shown next to that control and in a summary at the top.
 */
import { ApiError, type Client, type Intake, type PrakritiQuestionnaire } from '../client.js';
import { announce, busy, byId, errorView, focusOn, h, replace } from '../dom.js';
import {
  buildIntake,
  displayPath,
  fieldForPath,
  flattenIntake,
  messageWithoutPath,
  type FieldKind,
  type FieldValue,
} from '../format.js';
import type { AppState } from '../state.js';

type Female = NonNullable<Intake['female']>;
type Option = readonly [value: string, label: string];

interface FieldSpec {
  /** Path below the partner (or row): `heightCm`, `cycle.regular`, `value`. */
  key: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  options?: readonly Option[];
  /** A datalist of suggestions (id). */
  list?: string;
  textarea?: boolean;
  inputmode?: 'decimal' | 'numeric';
  date?: boolean;
}

interface RepeatSpec {
  key: 'labs' | 'semen' | 'treatments';
  legend: string;
  item: string;
  fields: readonly FieldSpec[];
}

// Allowed values are the intake schema's own: `satisfies` makes a value the schema does not
// accept a compile error here.
const YES_NO: readonly Option[] = [
  ['', 'Not known'],
  ['true', 'Yes'],
  ['false', 'No'],
];
const TUBAL = [
  ['', 'Not known'],
  ['bilateral', 'Both tubes patent'],
  ['unilateral', 'One tube patent'],
  ['none', 'Neither tube patent'],
  ['unknown', 'Assessed, result unknown'],
] as const satisfies readonly (readonly ['' | NonNullable<Female['tubalPatency']>, string])[];
const CAVITY = [
  ['', 'Not known'],
  ['normal', 'Normal'],
  ['abnormal', 'Abnormal'],
  ['unknown', 'Assessed, result unknown'],
] as const satisfies readonly (readonly ['' | NonNullable<Female['uterineCavity']>, string])[];
const MORPHOLOGY = [
  ['', 'Not known'],
  ['normal', 'Normal'],
  ['polycystic', 'Polycystic ovarian morphology'],
] as const satisfies readonly (readonly ['' | NonNullable<Female['ovarianMorphology']>, string])[];
type Smoking = NonNullable<NonNullable<Female['lifestyle']>['smoking']>;
const SMOKING = [
  ['', 'Not known'],
  ['never', 'Never'],
  ['former', 'Former'],
  ['current', 'Current'],
] as const satisfies readonly (readonly ['' | Smoking, string])[];
type Treatment = NonNullable<Female['treatments']>[number];
const TREATMENT_TYPE = [
  ['', 'Choose'],
  ['iui', 'IUI'],
  ['ivf', 'IVF'],
  ['icsi', 'ICSI'],
] as const satisfies readonly (readonly ['' | Treatment['type'], string])[];
const OUTCOME = [
  ['', 'Not known'],
  ['not-pregnant', 'Not pregnant'],
  ['pregnant', 'Pregnant'],
  ['miscarriage', 'Miscarriage'],
  ['live-birth', 'Live birth'],
] as const satisfies readonly (readonly ['' | NonNullable<Treatment['outcome']>, string])[];

/**
 * Suggested analyte ids (contracts §3: these ids and units do not change). Suggestions only: the
 * server names what it does not know, and more analytes than these are accepted.
 */
const ANALYTES = [
  'amh',
  'fsh',
  'lh',
  'estradiol',
  'progesterone',
  'prolactin',
  'tsh',
  'free-t4',
  'anti-tpo',
  'anti-tg',
  'testosterone-total',
  'shbg',
  'dhea-s',
  '17-oh-progesterone',
  'glucose-fasting',
  'insulin-fasting',
  'hba1c',
  'vitamin-d-25oh',
  'ferritin',
  'hemoglobin',
  'rubella-igg',
];
const SEMEN_ANALYTES = [
  'semen-volume',
  'sperm-concentration',
  'sperm-total-count',
  'progressive-motility',
  'total-motility',
  'normal-morphology',
  'sperm-vitality',
  'semen-ph',
  'dna-fragmentation-index',
];

const num = (key: string, label: string, hint?: string): FieldSpec => ({
  key,
  label,
  kind: 'number',
  inputmode: 'decimal',
  ...(hint ? { hint } : {}),
});
const int = (key: string, label: string, hint?: string): FieldSpec => ({
  key,
  label,
  kind: 'int',
  inputmode: 'numeric',
  ...(hint ? { hint } : {}),
});
const pick = (
  key: string,
  label: string,
  options: readonly Option[],
  kind: FieldKind = 'enum',
): FieldSpec => ({
  key,
  label,
  kind,
  options,
});

const BASICS: readonly FieldSpec[] = [
  num('age', 'Age (years)'),
  num('heightCm', 'Height (cm)'),
  num('weightKg', 'Weight (kg)'),
  {
    key: 'ethnicity',
    label: 'Ethnicity',
    kind: 'enum',
    hint: 'Free text, e.g. south-asian; decides whether Asian BMI cut-offs apply.',
  },
];

const LAB_ROW = (analytes: string): readonly FieldSpec[] => [
  { key: 'analyte', label: 'Analyte', kind: 'enum', list: analytes },
  num('value', 'Value'),
  { key: 'unit', label: 'Unit', kind: 'enum', hint: 'As printed, e.g. ng/mL or pmol/L.' },
  { key: 'date', label: 'Date sampled', kind: 'enum', date: true },
  int('cycleDay', 'Cycle day'),
];

const LIFESTYLE: readonly FieldSpec[] = [
  pick('lifestyle.smoking', 'Smoking', SMOKING),
  num('lifestyle.alcoholUnitsPerWeek', 'Alcohol (units per week)'),
  num('lifestyle.caffeineMgPerDay', 'Caffeine (mg per day)'),
  num('lifestyle.exerciseMinutesPerWeek', 'Exercise (minutes per week)'),
  num('lifestyle.sleepHours', 'Sleep (hours per night)'),
];

interface PartnerSpec {
  partner: 'female' | 'male';
  title: string;
  groups: readonly { legend: string; fields: readonly FieldSpec[] }[];
  repeats: readonly RepeatSpec[];
}

const FEMALE: PartnerSpec = {
  partner: 'female',
  title: 'Female partner',
  groups: [
    { legend: 'Basics', fields: BASICS },
    {
      legend: 'Cycle, duration and work-up',
      fields: [
        pick('cycle.regular', 'Regular cycles', YES_NO, 'bool'),
        num('cycle.lengthDays', 'Cycle length (days)'),
        num('tryingMonths', 'Trying to conceive (months)'),
        int('afc', 'Antral follicle count (AFC)'),
        pick('tubalPatency', 'Tubal patency', TUBAL),
        pick('uterineCavity', 'Uterine cavity', CAVITY),
        pick('ovarianMorphology', 'Ovarian morphology (ultrasound)', MORPHOLOGY),
      ],
    },
    {
      legend: 'History',
      fields: [
        int('history.livebirths', 'Live births'),
        int('history.miscarriages', 'Miscarriages'),
        int('history.ectopic', 'Ectopic pregnancies'),
        pick('history.endometriosis', 'Endometriosis', YES_NO, 'bool'),
        pick('history.pcosDiagnosed', 'PCOS diagnosed before', YES_NO, 'bool'),
        pick('history.hyperandrogenism', 'Clinical hyperandrogenism', YES_NO, 'bool'),
      ],
    },
    { legend: 'Lifestyle', fields: LIFESTYLE },
  ],
  repeats: [
    { key: 'labs', legend: 'Lab results', item: 'Lab result', fields: LAB_ROW('analytes') },
    {
      key: 'treatments',
      legend: 'Previous treatments',
      item: 'Treatment',
      fields: [
        pick('type', 'Type', TREATMENT_TYPE),
        int('cycles', 'Cycles'),
        pick('stimulated', 'Stimulated', YES_NO, 'bool'),
        int('oocytesRetrieved', 'Oocytes retrieved (per cycle)'),
        pick('outcome', 'Outcome', OUTCOME),
      ],
    },
  ],
};

const MALE: PartnerSpec = {
  partner: 'male',
  title: 'Male partner',
  groups: [
    { legend: 'Basics', fields: BASICS },
    { legend: 'Lifestyle', fields: LIFESTYLE },
  ],
  repeats: [
    { key: 'semen', legend: 'Semen analysis', item: 'Semen result', fields: LAB_ROW('semen-analytes') },
    { key: 'labs', legend: 'Lab results', item: 'Lab result', fields: LAB_ROW('analytes') },
  ],
};

const idFor = (name: string): string => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function control(name: string, spec: FieldSpec): HTMLElement {
  const id = idFor(name);
  const hintId = spec.hint ? `${id}-hint` : null;
  const common = {
    id,
    name,
    'data-kind': spec.kind,
    ...(hintId ? { 'aria-describedby': hintId } : {}),
  };
  let input: HTMLElement;
  if (spec.options) {
    input = h(
      'select',
      common,
      spec.options.map(([v, l]) => h('option', { value: v }, l)),
    );
  } else if (spec.textarea) {
    input = h('textarea', { ...common, rows: 6, spellcheck: 'false' });
  } else {
    input = h('input', {
      ...common,
      type: spec.date ? 'date' : 'text',
      autocomplete: 'off',
      ...(spec.inputmode ? { inputmode: spec.inputmode } : {}),
      ...(spec.list ? { list: spec.list } : {}),
    });
  }
  return h(
    'div',
    { class: 'field', 'data-field': name },
    h('label', { for: id }, spec.label),
    input,
    spec.hint ? h('p', { id: hintId, class: 'hint' }, spec.hint) : null,
  );
}

/** Rename the controls of a repeat list's rows after one was removed (rows stay 0, 1, 2, …). */
function renumber(list: HTMLElement, base: string, item: string): void {
  [...list.children].forEach((row, i) => {
    const legend = row.querySelector('legend');
    if (legend) legend.textContent = `${item} ${i + 1}`;
    const remove = row.querySelector<HTMLButtonElement>('button.remove');
    if (remove) remove.setAttribute('aria-label', `Remove ${item.toLowerCase()} ${i + 1}`);
    for (const el of row.querySelectorAll<HTMLElement>('[data-key]')) {
      const name = `${base}[${i}].${el.dataset.key}`;
      const id = idFor(name);
      const label = row.querySelector(`label[for="${el.id}"]`);
      const hint = el.getAttribute('aria-describedby')
        ? row.querySelector(`#${CSS.escape(el.id)}-hint`)
        : null;
      el.setAttribute('name', name);
      el.closest('.field')?.setAttribute('data-field', name);
      if (hint) {
        hint.id = `${id}-hint`;
        el.setAttribute('aria-describedby', hint.id);
      }
      label?.setAttribute('for', id);
      el.id = id;
    }
  });
}

function addRow(list: HTMLElement, base: string, spec: RepeatSpec): HTMLFieldSetElement {
  const i = list.children.length;
  const row = h(
    'fieldset',
    { class: 'row-set' },
    h('legend', null, `${spec.item} ${i + 1}`),
    h(
      'div',
      { class: 'row' },
      spec.fields.map((f) => {
        const c = control(`${base}[${i}].${f.key}`, f);
        c.querySelector('input,select,textarea')?.setAttribute('data-key', f.key);
        return c;
      }),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'remove link-button',
        'aria-label': `Remove ${spec.item.toLowerCase()} ${i + 1}`,
        onclick: () => {
          const add = list.nextElementSibling as HTMLElement | null;
          row.remove();
          renumber(list, base, spec.item);
          // Focus stays in the list: on the previous row's first control, else on "Add".
          const rows = list.children;
          const target = rows[Math.min(i, rows.length) - 1]?.querySelector<HTMLElement>('[data-key]') ?? add;
          target?.focus();
        },
      },
      'Remove',
    ),
  );
  list.append(row);
  return row;
}

function repeatView(partner: string, spec: RepeatSpec): HTMLElement {
  const base = `${partner}.${spec.key}`;
  const list = h('div', { class: 'rows', id: `${idFor(base)}-rows` });
  const add = h(
    'button',
    {
      type: 'button',
      class: 'add',
      'data-add': base,
      onclick: () => {
        addRow(list, base, spec).querySelector<HTMLElement>('[data-key]')?.focus();
      },
    },
    `Add ${spec.item.toLowerCase()}`,
  );
  return h('fieldset', { class: 'group', 'data-repeat': base }, h('legend', null, spec.legend), list, add);
}

function partnerView(p: PartnerSpec): HTMLElement {
  return h(
    'section',
    { class: 'partner panel', 'aria-labelledby': `${p.partner}-heading` },
    h('h2', { id: `${p.partner}-heading` }, p.title),
    p.groups.map((g) =>
      h(
        'fieldset',
        { class: 'group' },
        h('legend', null, g.legend),
        h(
          'div',
          { class: 'row' },
          g.fields.map((f) => control(`${p.partner}.${f.key}`, f)),
        ),
      ),
    ),
    p.repeats.map((r) => repeatView(p.partner, r)),
    h(
      'fieldset',
      { class: 'group' },
      h('legend', null, 'Pasted lab report (optional)'),
      control(`${p.partner}.labReports[0]`, {
        key: 'labReports[0]',
        label: 'Report text, normalized on the way in',
        kind: 'text',
        textarea: true,
        hint: 'Identifiers are removed; the stored intake keeps only the results read from it.',
      }),
    ),
  );
}

function prakritiView(q: PrakritiQuestionnaire): HTMLElement {
  return h(
    'div',
    null,
    h(
      'p',
      { class: 'note' },
      h('strong', null, 'Exploratory — not a diagnosis. '),
      `${q.name} ${q.version} is the engine's own descriptive instrument and is not validated. `,
      q.disclaimer,
    ),
    h(
      'p',
      { class: 'hint' },
      `A score needs answers to at least ${Math.round(q.minAnsweredFraction * 100)} % of the questions that apply to the person. Unanswered questions are not sent.`,
    ),
    control('prakriti.subject', {
      key: 'subject',
      label: 'Whose constitution these answers describe',
      kind: 'enum',
      options: [
        ['', 'Not stated'],
        ['female', 'Female partner'],
        ['male', 'Male partner'],
      ],
    }),
    h(
      'div',
      { class: 'prakriti-items' },
      q.items.map((item, k) => {
        const name = `prakriti.answers.${item.id}`;
        const legendId = `pq-${k}-legend`;
        return h(
          'fieldset',
          { class: 'radio-group', 'data-field': name, id: idFor(name) },
          h(
            'legend',
            { id: legendId },
            `${k + 1}. ${item.label}`,
            item.appliesTo ? h('span', { class: 'small muted' }, ` (${item.appliesTo} partner only)`) : null,
          ),
          item.options.map((o) => {
            const id = `pq-${k}-${o.id}`;
            return h(
              'div',
              { class: 'radio' },
              h('input', { type: 'radio', id, name, value: o.id, 'data-kind': 'enum' }),
              h('label', { for: id }, o.label),
            );
          }),
          h(
            'div',
            { class: 'radio' },
            h('input', {
              type: 'radio',
              id: `pq-${k}-none`,
              name,
              value: '',
              'data-kind': 'enum',
              checked: true,
            }),
            h('label', { for: `pq-${k}-none` }, 'No answer'),
          ),
        );
      }),
    ),
  );
}

/** The form's values as the generic builder takes them (radio groups: the checked one only). */
function fieldValues(form: HTMLFormElement): FieldValue[] {
  const out: FieldValue[] = [];
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
    '[data-kind]',
  )) {
    if (el instanceof HTMLInputElement && el.type === 'radio' && !el.checked) continue;
    out.push({ name: el.name, kind: el.dataset.kind as FieldKind, value: el.value });
  }
  return out;
}

function clearErrors(form: HTMLFormElement, summary: HTMLElement): void {
  summary.replaceChildren();
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const d = (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((x) => x && !x.endsWith('-error'))
      .join(' ');
    if (d) el.setAttribute('aria-describedby', d);
    else el.removeAttribute('aria-describedby');
  }
}

/** Show each API issue next to its field and in a summary with links; focus the summary. */
function showErrors(
  form: HTMLFormElement,
  summary: HTMLElement,
  err: ApiError,
  fieldOf: Map<string, string>,
): void {
  const issues = err.issues.length
    ? err.issues
    : [{ code: err.code, message: err.message, path: err.path, severity: 'error' }];
  const names = new Set([...form.querySelectorAll<HTMLElement>('[data-field]')].map((e) => e.dataset.field!));
  const items: HTMLElement[] = [];
  for (const i of issues) {
    const field = i.path ? fieldForPath(i.path, fieldOf, names) : null;
    const wrap = field ? form.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`) : null;
    const control = wrap
      ? wrap.matches('fieldset')
        ? (wrap.querySelector<HTMLElement>('input:checked') ?? wrap.querySelector<HTMLElement>('input'))
        : wrap.querySelector<HTMLElement>('input,select,textarea')
      : null;
    if (wrap && control) {
      const errId = `${control.id}-error`;
      if (!document.getElementById(errId)) {
        wrap.append(
          h(
            'p',
            { id: errId, class: 'field-error' },
            h('span', { class: 'visually-hidden' }, 'Error: '),
            messageWithoutPath(i.message, i.path),
          ),
        );
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute(
          'aria-describedby',
          `${control.getAttribute('aria-describedby') ?? ''} ${errId}`.trim(),
        );
      }
      items.push(
        h(
          'li',
          null,
          h(
            'a',
            {
              href: `#${control.id}`,
              onclick: (e: Event) => {
                e.preventDefault();
                control.focus();
              },
            },
            i.path ? displayPath(i.path) : 'field',
          ),
          `: ${messageWithoutPath(i.message, i.path)}`,
        ),
      );
    } else {
      items.push(
        h(
          'li',
          null,
          i.path ? h('code', null, displayPath(i.path)) : null,
          i.path ? ': ' : '',
          messageWithoutPath(i.message, i.path),
        ),
      );
    }
  }
  replace(
    summary,
    h(
      'div',
      { class: 'error error-summary', role: 'alert', tabindex: '-1', id: 'intake-error-summary' },
      h(
        'h2',
        null,
        `The server could not accept the intake (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'})`,
      ),
      h('ul', null, items),
      err.requestId ? h('p', { class: 'muted small' }, `Request id: ${err.requestId}`) : null,
    ),
  );
  focusOn(byId('intake-error-summary'));
}

/** Set the form from an intake object (a JSON file); returns the paths that have no control. */
function fillForm(form: HTMLFormElement, intake: unknown, specs: readonly PartnerSpec[]): string[] {
  form.reset();
  for (const spec of specs) {
    for (const r of spec.repeats) {
      const base = `${spec.partner}.${r.key}`;
      const list = document.getElementById(`${idFor(base)}-rows`)!;
      list.replaceChildren();
      const rows = (intake as Record<string, Record<string, unknown[] | undefined> | undefined>)[
        spec.partner
      ]?.[r.key];
      for (let i = 0; i < (Array.isArray(rows) ? rows.length : 0); i++) addRow(list, base, r);
    }
  }
  const unknown: string[] = [];
  for (const [path, value] of flattenIntake(intake)) {
    const el = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(path)}"]`);
    if (!el) {
      unknown.push(path);
      continue;
    }
    if (el.matches('fieldset')) {
      const radio = el.querySelector<HTMLInputElement>(`input[value="${CSS.escape(value)}"]`);
      if (radio) radio.checked = true;
      else unknown.push(path);
    } else {
      const c = el.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
        'input,select,textarea',
      )!;
      c.value = value;
      if (c.value !== value) unknown.push(path); // a select without that option
    }
  }
  return unknown;
}

/** Wire the intake screen; `go` switches screens. */
export function setupIntake(
  client: Client,
  state: AppState,
  go: (route: string) => void,
): { refresh(): void } {
  const form = byId<HTMLFormElement>('intake-form');
  const summary = byId('intake-errors');
  const status = byId('intake-status');
  const importInput = byId<HTMLInputElement>('intake-import');
  const importStatus = byId('intake-import-status');
  const specs = [FEMALE, MALE];

  const prakritiBox = h('div', { id: 'prakriti-box' });
  const sent = h('pre', { class: 'json', tabindex: '0' }, 'Nothing sent yet.');
  const submit = h('button', { type: 'submit', class: 'primary', id: 'intake-submit' }, 'Create profile');
  form.append(
    h(
      'datalist',
      { id: 'analytes' },
      ANALYTES.map((a) => h('option', { value: a })),
    ),
    h(
      'datalist',
      { id: 'semen-analytes' },
      SEMEN_ANALYTES.map((a) => h('option', { value: a })),
    ),
    h('div', { class: 'partners' }, specs.map(partnerView)),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'prakriti-heading' },
      h('h2', { id: 'prakriti-heading' }, 'Prakriti questionnaire (optional, exploratory)'),
      prakritiBox,
    ),
    h('div', { class: 'actions sticky-actions' }, submit, h('button', { type: 'reset' }, 'Clear the form')),
    h('details', { class: 'panel' }, h('summary', null, 'The intake JSON last sent'), sent),
  );

  let questionnaire: PrakritiQuestionnaire | null = null;
  const loadQuestionnaire = async (): Promise<void> => {
    if (questionnaire) return;
    replace(prakritiBox, h('p', { class: 'muted' }, 'Loading the questionnaire…'));
    try {
      questionnaire = await client.prakritiQuestionnaire();
      replace(prakritiBox, prakritiView(questionnaire));
    } catch (e) {
      replace(
        prakritiBox,
        errorView(e, 'Loading the Prakriti questionnaire'),
        h('button', { type: 'button', onclick: () => void loadQuestionnaire() }, 'Try again'),
      );
    }
  };

  form.addEventListener('reset', () => {
    clearErrors(form, summary);
    // Repeated rows are removed too: a reset form is an empty intake.
    for (const list of form.querySelectorAll('.rows')) list.replaceChildren();
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form, summary);
    const { intake, fieldOf } = buildIntake(fieldValues(form));
    sent.textContent = JSON.stringify(intake, null, 2);
    void busy(submit, form, status, 'Creating the profile…', async () => {
      try {
        const p = await client.createProfile(intake);
        announce(status, 'Profile created.');
        state.setProfile(p);
        go('profile');
      } catch (err) {
        if (err instanceof ApiError && err.status === 400) showErrors(form, summary, err, fieldOf);
        else {
          replace(summary, errorView(err, 'Creating the profile'));
          focusOn(summary.querySelector<HTMLElement>('.error'));
        }
        announce(status, 'The profile was not created.');
      }
    });
  });

  importInput.addEventListener('change', () => {
    const f = importInput.files?.[0];
    if (!f) return;
    void (async () => {
      try {
        const intake: unknown = JSON.parse(await f.text());
        if (typeof intake !== 'object' || intake === null || Array.isArray(intake)) {
          throw new Error('the file is not a JSON object');
        }
        await loadQuestionnaire();
        const unknown = fillForm(form, intake, specs);
        clearErrors(form, summary);
        importStatus.textContent = unknown.length
          ? `Filled from ${f.name}. Not in this form, so not sent: ${unknown.join(', ')}.`
          : `Filled from ${f.name}. Check the fields, then create the profile.`;
      } catch (err) {
        importStatus.textContent = `Could not read ${f.name}: ${(err as Error).message}`;
      }
    })();
  });

  return { refresh: () => void loadQuestionnaire() };
}
