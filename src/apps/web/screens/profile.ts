/**
 * @module apps/web/screens/profile
 * Profile screen (contracts §5): the couple summary, each classification with its value, rule,
 * inputs and source, what is missing and what would make each classification, lifestyle flags
 * with sources, the lab values used, the Prakriti scores (marked exploratory, never a diagnosis)
 * with each correlate's evidence label, prognosis availability, limitations and warnings.
 */
import type { Client, StoredProfile } from '../client.js';
import { announce, busy, byId, errorView, focusOn, h, replace, svg } from '../dom.js';
import { classificationName, formatNumber } from '../format.js';
import { inputsView, issuesView, sourceView } from '../render.js';
import type { AppState } from '../state.js';

type Profile = StoredProfile['profile'];
type Classification = Profile['classifications'][number];

function valueBadge(value: string): HTMLElement {
  const insufficient = value === 'insufficient-data';
  return h(
    'span',
    { class: `badge${insufficient ? ' badge-missing' : ''}` },
    insufficient ? 'insufficient data' : value,
  );
}

function classificationView(c: Classification): HTMLElement {
  const headingId = `class-${c.id}`;
  return h(
    'article',
    { class: 'card classification', 'aria-labelledby': headingId, 'data-classification': c.id },
    h(
      'h3',
      { id: headingId },
      classificationName(c.id),
      ': ',
      valueBadge(c.value),
      c.subgroup ? h('span', { class: 'small' }, ` (sub-group ${c.subgroup})`) : null,
    ),
    h(
      'p',
      { class: 'small muted' },
      h('code', null, c.id),
      ` · criteria: ${c.criterionSet.name} (${c.criterionSet.year})`,
    ),
    c.need?.length
      ? h(
          'div',
          { class: 'need' },
          h('p', null, h('strong', null, 'Would be classified with:')),
          h(
            'ul',
            null,
            c.need.map((n) => h('li', null, n)),
          ),
        )
      : null,
    h('p', null, h('strong', null, 'Rule: '), c.rule),
    h('details', { class: 'inputs-details' }, h('summary', null, 'Inputs used'), inputsView(c.inputs)),
    c.notes?.length
      ? h(
          'ul',
          { class: 'notes' },
          c.notes.map((n) => h('li', null, n)),
        )
      : null,
    h('h4', null, 'Source'),
    sourceView(c.source),
    c.additionalSources?.length
      ? [h('h4', null, 'Further sources'), c.additionalSources.map((s) => sourceView(s))]
      : null,
  );
}

function prakritiView(p: NonNullable<Profile['prakriti']>): HTMLElement {
  const doshas = [
    ['vata', p.vata],
    ['pitta', p.pitta],
    ['kapha', p.kapha],
  ] as const;
  const W = 240;
  const bars = svg(
    'svg',
    {
      width: W,
      height: 72,
      viewBox: `0 0 ${W} 72`,
      role: 'img',
      'aria-label': `Proportions: ${doshas.map(([d, v]) => `${d} ${Math.round(v * 100)} %`).join(', ')}`,
      focusable: 'false',
    },
    doshas.map(([d, v], i) => [
      svg('text', { x: 0, y: 16 + i * 22, class: 'plot-text' }, d),
      svg('rect', {
        x: 48,
        y: 6 + i * 22,
        width: Math.max(1, v * 150),
        height: 14,
        class: `dosha dosha-${d}`,
      }),
      svg('text', { x: 54 + v * 150, y: 17 + i * 22, class: 'plot-text' }, `${Math.round(v * 100)} %`),
    ]),
  );
  return h(
    'section',
    { class: 'panel prakriti', 'aria-labelledby': 'prakriti-result-heading' },
    h('h2', { id: 'prakriti-result-heading' }, 'Prakriti (exploratory — not a diagnosis)'),
    h('p', { class: 'note' }, h('strong', null, 'Exploratory — not a diagnosis. '), p.disclaimer),
    h(
      'p',
      { class: 'small muted' },
      `${p.instrument.name} ${p.instrument.version} (validated: no) · ${p.answered} of ${p.items} applicable questions answered`,
      p.subject ? ` · describes the ${p.subject} partner` : '',
    ),
    h(
      'div',
      { class: 'row' },
      h('figure', { class: 'plot' }, bars),
      h(
        'dl',
        { class: 'inputs' },
        doshas.map(([d, v]) => [
          h('dt', null, d),
          h('dd', null, `${formatNumber(v)} (${Math.round(v * 100)} %)`),
        ]),
        h('dt', null, 'dominant'),
        h(
          'dd',
          null,
          p.dominant ?? 'not scored (too few answers)',
          p.dominance && p.dominance !== p.dominant ? ` (${p.dominance})` : '',
        ),
      ),
    ),
    h('p', null, h('strong', null, 'Rule: '), p.rule),
    h('h3', null, `Correlates (${p.correlates.length})`),
    p.correlates.length
      ? h(
          'ul',
          { class: 'correlates' },
          p.correlates.map((c) =>
            h(
              'li',
              { class: 'card' },
              h(
                'p',
                null,
                h('span', { class: `tag evidence-${c.evidence}` }, `evidence: ${c.evidence}`),
                ' ',
                h('span', { class: 'tag' }, c.label),
                ' ',
                h('span', { class: 'tag' }, 'below guideline evidence'),
              ),
              h('p', null, h('strong', null, 'Signal: '), c.signal),
              h('p', null, c.statement),
              h(
                'p',
                { class: 'small muted' },
                `Study: ${c.study.design}; ${c.study.population}; n = ${c.study.n}`,
              ),
              sourceView(c.source),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No correlate applies to this profile.'),
    p.evidenceGaps.length
      ? [
          h('h3', null, 'Evidence gaps'),
          h(
            'ul',
            null,
            p.evidenceGaps.map((g) =>
              h(
                'li',
                null,
                h('strong', null, `${g.topic}: `),
                g.statement,
                h('span', { class: 'small muted' }, ` (${g.basis})`),
              ),
            ),
          ),
        ]
      : null,
    p.caveats.length
      ? [
          h('h3', null, 'Caveats'),
          h(
            'ul',
            null,
            p.caveats.map((c) => h('li', null, c.statement, sourceView(c.source))),
          ),
        ]
      : null,
  );
}

function observationsView(o: Profile['observations']): HTMLElement {
  const rows = (['female', 'male'] as const).flatMap((partner) => o[partner].map((x) => ({ partner, x })));
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No lab values were given.');
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': 'obs-caption', tabindex: '0' },
    h(
      'table',
      null,
      h('caption', { id: 'obs-caption' }, 'Lab values used (canonical units)'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Partner', 'Analyte', 'Value', 'Flag', 'Reference range', 'As given', 'From'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map(({ partner, x }) =>
          h(
            'tr',
            null,
            h('td', null, partner),
            h('th', { scope: 'row' }, x.analyte),
            h('td', { class: 'num' }, `${x.comparator ?? ''}${formatNumber(x.value)} ${x.unit}`),
            h('td', null, x.flag ?? h('span', { class: 'muted' }, 'no range')),
            h(
              'td',
              null,
              x.referenceRange
                ? `${x.referenceRange.low !== undefined ? formatNumber(x.referenceRange.low) : ''}–${x.referenceRange.high !== undefined ? formatNumber(x.referenceRange.high) : ''} ${x.referenceRange.unit}`
                : h('span', { class: 'muted' }, 'none'),
            ),
            h('td', null, `${x.original.value} ${x.original.unit}`),
            h(
              'td',
              null,
              h('code', null, x.from),
              x.date ? h('span', { class: 'small muted block' }, x.date) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

/** Every classification in one table, each linked to its card (rule, inputs, source). */
function glanceView(cs: readonly Classification[]): HTMLElement {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'glance-heading' },
    h('h2', { id: 'glance-heading' }, 'At a glance'),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-labelledby': 'glance-caption', tabindex: '0' },
      h(
        'table',
        { class: 'glance' },
        h('caption', { id: 'glance-caption' }, 'Classifications (details, rules and sources below)'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Classification', 'Value', 'Criteria'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          null,
          cs.map((c) =>
            h(
              'tr',
              null,
              h(
                'th',
                { scope: 'row' },
                h(
                  'a',
                  {
                    href: `#class-${c.id}`,
                    // Move to the card without changing the screen in the address bar.
                    onclick: (e: Event) => {
                      e.preventDefault();
                      focusOn(document.getElementById(`class-${c.id}`));
                    },
                  },
                  classificationName(c.id),
                ),
              ),
              h('td', null, valueBadge(c.value), c.subgroup ? ` (sub-group ${c.subgroup})` : ''),
              h('td', { class: 'small' }, `${c.criterionSet.name} (${c.criterionSet.year})`),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The whole stored profile. */
export function profileView(r: StoredProfile): HTMLElement {
  const p = r.profile;
  const couple = p.couple;
  return h(
    'div',
    { 'data-profile-id': r.id },
    h('h2', { id: 'profile-heading', tabindex: '-1' }, 'Couple profile'),
    h(
      'p',
      { class: 'small muted' },
      `Profile ${r.id} · created ${new Date(r.createdAt).toLocaleString()} · intake `,
      h('code', { title: r.intakeHash }, r.intakeHash.slice(0, 19) + '…'),
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'a',
        { class: 'button primary', href: '#advice', 'data-action': 'recommend' },
        'Recommendations and questions for this couple',
      ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'couple-heading' },
      h('h2', { id: 'couple-heading' }, 'Couple summary: ', valueBadge(couple.value)),
      couple.femaleFactors.length || couple.maleFactors.length
        ? h(
            'ul',
            null,
            [
              ...couple.femaleFactors.map((f) => ['female', f] as const),
              ...couple.maleFactors.map((f) => ['male', f] as const),
            ].map(([who, f]) => h('li', null, h('strong', null, `${f.factor} (${who}): `), f.because)),
          )
        : h('p', { class: 'muted' }, 'No factor identified from the data given.'),
      couple.incompleteWorkUp.length
        ? [
            h('h3', null, 'Work-up not yet settled'),
            h(
              'ul',
              null,
              couple.incompleteWorkUp.map((x) => h('li', null, x)),
            ),
          ]
        : null,
      couple.notAssessedByEngine.length
        ? [
            h('h3', null, 'Not assessed by this engine'),
            h(
              'ul',
              null,
              couple.notAssessedByEngine.map((x) => h('li', null, x)),
            ),
          ]
        : null,
    ),
    glanceView(p.classifications),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'missing-heading' },
      h('h2', { id: 'missing-heading' }, `Missing data (${p.missing.length})`),
      p.missing.length
        ? h(
            'ul',
            { class: 'missing' },
            p.missing.map((m) =>
              h(
                'li',
                { 'data-missing-for': m.for },
                h('strong', null, `${classificationName(m.for)}: `),
                m.need.join('; '),
              ),
            ),
          )
        : h('p', null, 'Nothing missing: every classification could be made.'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'classifications-heading' },
      h('h2', { id: 'classifications-heading' }, `Classifications (${p.classifications.length})`),
      h(
        'div',
        { class: 'cards' },
        p.classifications.map((c) => classificationView(c)),
      ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'flags-heading' },
      h('h2', { id: 'flags-heading' }, `Lifestyle flags (${p.flags.length})`),
      p.flags.length
        ? h(
            'ul',
            { class: 'flags' },
            p.flags.map((f) =>
              h(
                'li',
                { class: 'card' },
                h(
                  'p',
                  null,
                  h('strong', null, `${f.factor} (${f.partner} partner)`),
                  ' ',
                  h('span', { class: 'tag' }, f.severity),
                ),
                h('p', null, h('strong', null, 'Rule: '), f.rule),
                inputsView(f.inputs),
                sourceView(f.source),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No modifiable lifestyle factor flagged from the data given.'),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'obs-heading' },
      h('h2', { id: 'obs-heading' }, 'Lab values used'),
      observationsView(p.observations),
    ),
    p.prakriti
      ? prakritiView(p.prakriti)
      : h(
          'section',
          { class: 'panel', 'aria-labelledby': 'prakriti-result-heading' },
          h('h2', { id: 'prakriti-result-heading' }, 'Prakriti (exploratory — not a diagnosis)'),
          h('p', { class: 'muted' }, 'Not assessed: the intake has no questionnaire answers.'),
        ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'prognosis-heading' },
      h('h2', { id: 'prognosis-heading' }, 'Prognosis'),
      h(
        'p',
        null,
        h('strong', null, p.prognosis.available ? 'Available. ' : 'Not available. '),
        p.prognosis.reason,
      ),
      p.prognosis.considered.length
        ? h(
            'div',
            { class: 'table-wrap', role: 'region', 'aria-labelledby': 'prognosis-caption', tabindex: '0' },
            h(
              'table',
              null,
              h('caption', { id: 'prognosis-caption' }, 'Models considered'),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Model', 'Status', 'Why', 'Citation'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                null,
                p.prognosis.considered.map((m) =>
                  h(
                    'tr',
                    null,
                    h('th', { scope: 'row' }, m.model),
                    h('td', null, m.status),
                    h('td', null, m.reason),
                    h('td', null, m.citation),
                  ),
                ),
              ),
            ),
          )
        : null,
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'limits-heading' },
      h('h2', { id: 'limits-heading' }, 'Limitations'),
      h(
        'ul',
        null,
        p.limitations.map((l) => h('li', null, l)),
      ),
      h('h3', null, `Warnings (${p.warnings.length})`),
      p.warnings.length ? issuesView(p.warnings) : h('p', { class: 'muted' }, 'None.'),
    ),
  );
}

/** Wire the profile screen; returns a loader of the saved-profile list. */
export function setupProfile(client: Client, state: AppState): { refresh(): void } {
  const result = byId('profile-result');
  const status = byId('profile-status');
  const pick = byId<HTMLSelectElement>('profile-pick');
  const openForm = byId<HTMLFormElement>('profile-open');
  const openButton = byId<HTMLButtonElement>('profile-open-submit');

  const show = (): void => {
    if (state.profile) replace(result, profileView(state.profile));
    else
      replace(
        result,
        h(
          'p',
          null,
          'No profile yet. Fill the ',
          h('a', { href: '#intake' }, 'couple intake'),
          ' or open a saved profile.',
        ),
      );
  };
  state.onProfile(() => {
    show();
    void loadList();
  });

  const loadList = async (): Promise<void> => {
    try {
      const list = await client.listProfiles(50);
      const current = state.profile?.id ?? '';
      replace(
        pick,
        h('option', { value: '' }, list.items.length ? 'Choose a profile' : 'No saved profiles yet'),
        list.items.map((p) =>
          h(
            'option',
            { value: p.id, selected: p.id === current },
            `${new Date(p.createdAt).toLocaleString()} — ${p.profile.couple.value} — ${p.id.slice(0, 8)}`,
          ),
        ),
      );
    } catch (e) {
      replace(pick, h('option', { value: '' }, 'Could not load the list'));
      replace(result, errorView(e, 'Listing saved profiles'));
    }
  };

  openForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!pick.value) {
      pick.focus();
      return;
    }
    void busy(openButton, result, status, 'Opening the profile…', async () => {
      try {
        state.setProfile(await client.getProfile(pick.value));
        announce(status, 'Profile opened.');
        focusOn(document.getElementById('profile-heading'));
      } catch (err) {
        replace(result, errorView(err, 'Opening the profile'));
        focusOn(result.querySelector<HTMLElement>('.error'));
      }
    });
  });
  byId('profile-refresh').addEventListener('click', () => void loadList());

  show();
  return { refresh: () => void loadList() };
}
