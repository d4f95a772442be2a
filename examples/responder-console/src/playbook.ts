// The playbook the console runs: the default one, or a JSON playbook from a file, checked and
// compiled with the library's authoring entry. A broken one yields all of its issues.
import type { AnyStateMachine } from 'xstate';
import { crisisMachine, defaultPlaybook, type Issue, type PlaybookDefinition } from 'crisis-playbook';
import { safeCompilePlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime, type IncidentRuntime } from 'crisis-playbook/server';

export interface LoadedPlaybook {
  readonly definition: PlaybookDefinition;
  readonly machine: AnyStateMachine;
  readonly runtime: IncidentRuntime;
  /** `null` for the default playbook, else the name of the file it came from. */
  readonly fileName: string | null;
  /** The JSON document, as loaded (kept in the browser so that a reload finds it). */
  readonly document: unknown;
}

export type PlaybookResult = { readonly success: true; readonly data: LoadedPlaybook } | { readonly success: false; readonly issues: readonly Issue[] };

function loaded(definition: PlaybookDefinition, machine: AnyStateMachine, fileName: string | null, document: unknown): LoadedPlaybook {
  return {
    definition,
    machine,
    runtime: createIncidentRuntime({ playbooks: [machine] }),
    fileName,
    document,
  };
}

let defaultLoaded: LoadedPlaybook | undefined;

/** The default playbook of the library. */
export function loadDefaultPlaybook(): LoadedPlaybook {
  return (defaultLoaded ??= loaded(defaultPlaybook, crisisMachine, null, null));
}

/** A playbook from parsed JSON: checked (every issue reported), then compiled. */
export function loadPlaybookDocument(document: unknown, fileName: string): PlaybookResult {
  const checked = safeParsePlaybook(document);
  if (!checked.success) return { success: false, issues: checked.error.issues };
  const compiled = safeCompilePlaybook(checked.data);
  if (!compiled.success) return { success: false, issues: compiled.error.issues };
  return { success: true, data: loaded(checked.data, compiled.data as AnyStateMachine, fileName, document) };
}

/** A playbook from the text of a file: JSON, then {@link loadPlaybookDocument}. */
export function loadPlaybookText(text: string, fileName: string): PlaybookResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { success: false, issues: [{ code: 'invalid_json', path: [], message: `${fileName} is not JSON: ${(error as Error).message}` } as unknown as Issue] };
  }
  return loadPlaybookDocument(document, fileName);
}

/** The title of a rung or side-track state, by its id (the id itself when the playbook has none). */
export function titleOf(definition: PlaybookDefinition, id: string): string {
  const rung = definition.ladder.rungs.find((candidate) => candidate.id === id);
  if (rung) return rung.title;
  for (const track of definition.tracks) {
    const state = track.states.find((candidate) => candidate.id === id);
    if (state) return state.title;
  }
  return id;
}
