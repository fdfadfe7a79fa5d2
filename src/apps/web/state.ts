/**
 * @module apps/web/state
 * What the screens share: the profile being looked at. One small observable value passed to the
 * screens at start (no global settings object; the screens get it as an argument).
 */
import type { StoredProfile } from './client.js';

/** The current profile and who wants to know when it changes. */
export interface AppState {
  readonly profile: StoredProfile | null;
  setProfile(p: StoredProfile): void;
  onProfile(listener: (p: StoredProfile) => void): void;
}

/** A fresh state with no profile. */
export function createState(): AppState {
  let profile: StoredProfile | null = null;
  const listeners: ((p: StoredProfile) => void)[] = [];
  return {
    get profile() {
      return profile;
    },
    setProfile(p) {
      profile = p;
      for (const l of listeners) l(p);
    },
    onProfile(l) {
      listeners.push(l);
    },
  };
}
