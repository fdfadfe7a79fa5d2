/**
 * @module apps/web/main
 * Entry point of the clinician web UI (loaded by `static/index.html` as `/app/main.js`). One page,
 * one screen visible at a time, chosen by the address hash (`#lab`, `#intake`, `#profile`,
 * `#advice`, `#knowledge`, `#key`) so that the browser's back button and bookmarks work. On each
 * screen change the screen's heading takes focus (keyboard and screen-reader users land on it)
 * and the navigation marks the current screen with `aria-current`.
 */
import { createClient, type Health } from './client.js';
import { byId, focusOn } from './dom.js';
import { shortVersion } from './format.js';
import { setupAdvice } from './screens/advice.js';
import { setupIntake } from './screens/intake.js';
import { setupKey, storedKey } from './screens/key.js';
import { setupKnowledge } from './screens/knowledge.js';
import { setupLab } from './screens/lab.js';
import { setupProfile } from './screens/profile.js';
import { createState } from './state.js';

const ROUTES = ['lab', 'intake', 'profile', 'advice', 'knowledge', 'key'] as const;
type Route = (typeof ROUTES)[number];
const TITLES: Record<Route, string> = {
  lab: 'Lab report',
  intake: 'Couple intake',
  profile: 'Profile',
  advice: 'Recommendations & questions',
  knowledge: 'Knowledge bank',
  key: 'API key',
};

function isRoute(x: string): x is Route {
  return (ROUTES as readonly string[]).includes(x);
}

function start(): void {
  const client = createClient({ apiKey: storedKey });
  const state = createState();
  let current: Route | null = null;

  const go = (route: string): void => {
    if (location.hash !== `#${route}`)
      location.hash = route; // hashchange shows it
    else show(route as Route, true);
  };

  setupLab(client);
  const intake = setupIntake(client, state, go);
  const profile = setupProfile(client, state);
  setupAdvice(client, state);
  const knowledge = setupKnowledge(client);
  const refreshers: Record<Route, (() => void) | null> = {
    lab: null,
    intake: intake.refresh,
    profile: profile.refresh,
    advice: null,
    knowledge: knowledge.refresh,
    key: null,
  };
  const loaded = new Set<Route>();

  const footer = byId('footer-health');
  const checkHealth = async (): Promise<void> => {
    let h: Health | null = null;
    try {
      h = await client.health();
      footer.textContent = `Server ${h.status} · store ${h.store.driver} · knowledge ${shortVersion(h.knowledge.version)} (${h.knowledge.entries} entries) · ${h.auth === 'none' ? 'no API key needed' : 'API key required'}${h.auth !== 'none' && !storedKey() ? ' — set it on the API key screen' : ''}`;
    } catch (e) {
      footer.textContent = `Server not reachable: ${(e as Error).message}`;
    }
    keyScreen.showServer(h);
  };
  const keyScreen = setupKey(() => {
    // A new key may open what was refused: load the screens again when next shown.
    loaded.clear();
    void checkHealth();
  });

  function show(route: Route, moveFocus: boolean): void {
    for (const r of ROUTES) byId(`screen-${r}`).hidden = r !== route;
    for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a[data-route]')) {
      if (a.dataset.route === route) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = `${TITLES[route]} — Fertility evidence engine`;
    if (!loaded.has(route)) {
      loaded.add(route);
      refreshers[route]?.();
    }
    if (moveFocus && route !== current) focusOn(byId(`${route}-title`));
    current = route;
  }

  const fromHash = (moveFocus: boolean): void => {
    const r = location.hash.slice(1);
    // Other hashes (a citation or field anchor) are not screens: stay where we are.
    if (isRoute(r)) show(r, moveFocus);
    else if (current === null) show('lab', false);
  };
  window.addEventListener('hashchange', () => fromHash(true));
  fromHash(false);
  void checkHealth();
}

try {
  start();
} catch (e) {
  const box = document.getElementById('boot-error');
  if (box) {
    box.hidden = false;
    box.textContent = `The workspace could not start: ${(e as Error).message}`;
  }
}
