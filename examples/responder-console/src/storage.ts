// What the console keeps in the browser's localStorage: the playbook loaded from a file (if
// any), and every incident in the library's stored-incident format (what `serialize` of
// crisis-playbook/server writes and `restore` reads back), under one key.
import type { StoredIncident } from 'crisis-playbook/server';

/** The localStorage key. */
export const storageKey = 'crisis-playbook/responder-console';

export interface SavedConsole {
  readonly version: 1;
  /** The JSON playbook loaded from a file and its name; `null` for the default playbook. */
  readonly playbook: { readonly fileName: string; readonly document: unknown } | null;
  /** The incident shown. */
  readonly current: string | null;
  /** Incidents by id, as stored incidents. */
  readonly incidents: Readonly<Record<string, StoredIncident>>;
}

const empty: SavedConsole = { version: 1, playbook: null, current: null, incidents: {} };

export function readSaved(): SavedConsole {
  try {
    const text = localStorage.getItem(storageKey);
    if (text === null) return empty;
    const saved = JSON.parse(text) as Partial<SavedConsole> | null;
    if (saved === null || typeof saved !== 'object' || saved.version !== 1) return empty;
    return {
      version: 1,
      playbook: saved.playbook ?? null,
      current: typeof saved.current === 'string' ? saved.current : null,
      incidents: saved.incidents && typeof saved.incidents === 'object' ? saved.incidents : {},
    };
  } catch {
    return empty;
  }
}

/** Stores the change; false when the browser refused it (its storage is full): the change lasts only until the page is reloaded. */
export function writeSaved(change: (saved: SavedConsole) => SavedConsole): boolean {
  const next = change(readSaved());
  try {
    localStorage.setItem(storageKey, JSON.stringify(next));
    return true;
  } catch {
    return false;
  }
}

/** A new incident id, unique in this browser. */
export function newIncidentId(): string {
  return `incident-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
