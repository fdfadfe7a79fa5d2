/**
 * @module apps/web/screens/advice
 * Recommendations and questions: `POST /v1/profiles/{id}/recommendations` for the current profile
 * and `POST /v1/ask` (optionally for the current profile). Answers show their status first
 * (urgent answers as an alert with the instruction before anything else), the text with citation
 * markers that move to the citation, confidence in words, conflicts and the knowledge version.
 */
import type { Client, Recommendations } from '../client.js';
import { announce, busy, byId, errorView, focusOn, h, replace } from '../dom.js';
import { classificationName, shortVersion } from '../format.js';
import { answerView, citationList, citedText, confidenceView } from '../render.js';
import type { AppState } from '../state.js';

function recommendationsView(r: Recommendations): HTMLElement {
  return h(
    'div',
    null,
    h('h2', { id: 'rec-heading', tabindex: '-1' }, `Recommendations (${r.recommendations.length})`),
    h(
      'p',
      { class: 'small muted' },
      'Knowledge version ',
      h('code', { title: r.kb.version }, shortVersion(r.kb.version)),
      ` · ${r.kb.entries} entries · ${r.timings.totalMs.toFixed(1)} ms`,
    ),
    r.recommendations.length
      ? h(
          'ol',
          { class: 'recommendations' },
          r.recommendations.map((rec, i) => {
            const prefix = `rec${i + 1}`;
            return h(
              'li',
              { class: 'card answer' },
              h(
                'h3',
                null,
                h('span', { class: 'tag' }, rec.kind),
                ' ',
                rec.citations[0]?.title ?? `Recommendation ${i + 1}`,
              ),
              citedText(rec.answer, rec.citations, prefix),
              rec.appliesBecause.length
                ? h('p', null, h('strong', null, 'Applies because: '), rec.appliesBecause.join('; '), '.')
                : null,
              rec.conflictsWith?.length
                ? h(
                    'p',
                    { class: 'conflicts' },
                    h('strong', null, 'Conflicts with: '),
                    rec.conflictsWith.join(', '),
                  )
                : null,
              confidenceView(rec.confidence),
              citationList(rec.citations, prefix, 'h4'),
            );
          }),
        )
      : h('p', null, 'No recommendation applies to this profile with the evidence in the knowledge bank.'),
    r.missing.length
      ? [
          h('h3', null, 'Data that would sharpen these recommendations'),
          h(
            'ul',
            null,
            r.missing.map((m) =>
              h('li', null, h('strong', null, `${classificationName(m.for)}: `), m.need.join('; ')),
            ),
          ),
        ]
      : null,
  );
}

/** Wire the recommendations-and-questions screen. */
export function setupAdvice(client: Client, state: AppState): void {
  const profileBox = byId('advice-profile');
  const status = byId('advice-status');
  const recResult = byId('rec-result');
  const askForm = byId<HTMLFormElement>('ask-form');
  const question = byId<HTMLTextAreaElement>('ask-question');
  const useProfile = byId<HTMLInputElement>('ask-use-profile');
  const askSubmit = byId<HTMLButtonElement>('ask-submit');
  const askStatus = byId('ask-status');
  const askResult = byId('ask-result');
  let asked = 0;

  const recButton = h(
    'button',
    { type: 'button', class: 'primary', id: 'rec-submit' },
    'Get recommendations',
  );
  const showProfile = (): void => {
    const p = state.profile;
    useProfile.disabled = !p;
    if (!p) useProfile.checked = false;
    replace(
      profileBox,
      p
        ? [
            h(
              'p',
              null,
              'Current profile: ',
              h('code', null, p.id),
              ` (couple: ${p.profile.couple.value}; created ${new Date(p.createdAt).toLocaleString()}).`,
            ),
            h('div', { class: 'actions' }, recButton),
          ]
        : h(
            'p',
            null,
            'No current profile: recommendations need one. Fill the ',
            h('a', { href: '#intake' }, 'couple intake'),
            ' or open a saved ',
            h('a', { href: '#profile' }, 'profile'),
            '. Questions can be asked without one.',
          ),
    );
  };
  state.onProfile((p) => {
    showProfile();
    useProfile.checked = true;
    // Recommendations shown belong to a profile: a new profile clears them.
    if (recResult.dataset.profileId !== p.id) {
      recResult.replaceChildren();
      delete recResult.dataset.profileId;
    }
  });

  recButton.addEventListener('click', () => {
    const p = state.profile;
    if (!p) return;
    void busy(recButton, recResult, status, 'Finding recommendations…', async () => {
      try {
        const r = await client.recommend(p.id);
        recResult.dataset.profileId = p.id;
        replace(recResult, recommendationsView(r));
        announce(status, `${r.recommendations.length} recommendations.`);
        focusOn(byId('rec-heading'));
      } catch (err) {
        replace(recResult, errorView(err, 'Getting recommendations'));
        announce(status, 'Getting recommendations failed.');
        focusOn(recResult.querySelector<HTMLElement>('.error'));
      }
    });
  });

  askForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = question.value.trim();
    if (q === '') {
      replace(askResult, h('p', { class: 'error', role: 'alert' }, 'Type a question first.'));
      question.setAttribute('aria-invalid', 'true');
      question.focus();
      return;
    }
    question.removeAttribute('aria-invalid');
    const p = useProfile.checked ? state.profile : null;
    void busy(askSubmit, askResult, askStatus, 'Looking for evidence…', async () => {
      try {
        // The stored intake (lab texts already replaced by their results) stands for the profile.
        const a = await client.ask(q, p ? p.intake : undefined);
        asked++;
        const view = answerView(a, `ask${asked}`);
        const echo = h(
          'p',
          { class: 'asked' },
          h('span', { class: 'muted' }, 'Question: '),
          q,
          p ? h('span', { class: 'muted' }, ` (for profile ${p.id.slice(0, 8)})`) : null,
        );
        // An urgent instruction comes before everything else, the question included.
        replace(
          askResult,
          h('h2', { class: 'visually-hidden' }, 'Answer'),
          a.status === 'urgent' ? [view, echo] : [echo, view],
        );
        announce(
          askStatus,
          a.status === 'urgent' ? 'Urgent: seek care now.' : `Answer status: ${a.status.replace('-', ' ')}.`,
        );
        focusOn(view.querySelector<HTMLElement>('.status-heading'));
      } catch (err) {
        replace(askResult, errorView(err, 'Asking'));
        announce(askStatus, 'Asking failed.');
        focusOn(askResult.querySelector<HTMLElement>('.error'));
      }
    });
  });

  showProfile();
}
