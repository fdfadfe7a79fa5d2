/**
 * @module apps/web/screens/key
 * API key screen. Installs with API keys need `Authorization: Bearer KEY` on every `/v1` call; the
 * key is kept in this tab's sessionStorage only (never localStorage, never a cookie), so it is
 * forgotten when the tab closes and never sent anywhere but this server.
 */
import type { Health } from '../client.js';
import { announce, byId } from '../dom.js';

const STORAGE_KEY = 'fertility.apiKey';

/** The key set in this tab, or null. */
export function storedKey(): string | null {
  try {
    const k = window.sessionStorage.getItem(STORAGE_KEY);
    return k && k.trim() !== '' ? k.trim() : null;
  } catch {
    return null; // storage disabled: no key
  }
}

/** Wire the key screen; `onChange` runs after the key is set or cleared (screens reload). */
export function setupKey(onChange: () => void): { showServer(h: Health | null): void } {
  const form = byId<HTMLFormElement>('key-form');
  const input = byId<HTMLInputElement>('key-input');
  const status = byId('key-status');
  const server = byId('key-server');

  const describe = (): string => (storedKey() ? 'A key is set for this tab.' : 'No key is set for this tab.');
  status.textContent = describe();

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const k = input.value.trim();
    if (k === '') {
      input.setAttribute('aria-invalid', 'true');
      announce(status, 'Type a key first, or use “Forget the key”.');
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    window.sessionStorage.setItem(STORAGE_KEY, k);
    input.value = '';
    announce(status, 'Key saved for this tab. Calls now send it.');
    onChange();
  });
  byId('key-clear').addEventListener('click', () => {
    window.sessionStorage.removeItem(STORAGE_KEY);
    input.value = '';
    announce(status, 'Key forgotten.');
    onChange();
  });

  return {
    showServer: (h) => {
      server.textContent =
        h === null
          ? 'The server could not be reached to ask whether it needs a key.'
          : h.auth === 'none'
            ? 'This server has no API keys yet (a local install): no key is needed.'
            : 'This server requires an API key for every call.';
    },
  };
}
