import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { currentRung, currentTracks } from '../advice/currentRung.js';
import { compiledPlaybookOf } from '../compile/registry.js';
import { conditionText } from '../definition/conditions.js';
import { rungTransitions, rungWindows } from '../definition/graph.js';
import type { Condition, PlaybookDefinition } from '../definition/types.js';

/**
 * Options of {@link toMermaid}.
 *
 * @example
 * ```ts
 * import type { MermaidOptions } from 'crisis-playbook/visualize';
 *
 * const options: MermaidOptions = { fromEveryRung: false };
 * ```
 *
 * @category Inspector and diagrams
 */
export interface MermaidOptions {
  /** Highlight the incident's current rung and side-track states. */
  readonly snapshot?: AnyMachineSnapshot;
  /**
   * Draw the transitions available from every rung (`contact.received`, `incident.closed`)
   * from each rung.
   *
   * @defaultValue true
   */
  readonly fromEveryRung?: boolean;
}

function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters from a playbook must not reach a diagram
  return text.replace(/["#:;{}<>\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
}

function label(event: string, guard: Condition | undefined): string {
  return clean(guard === undefined ? event : `${event} [${conditionText(guard)}]`);
}

/**
 * A Mermaid `stateDiagram-v2` of a playbook (a definition or a compiled machine): the rungs with
 * their titles, transitions labelled with the event and the guard, waiting windows as
 * `after <window>`, final rungs, and the side tracks drawn beside the ladder. Given a snapshot,
 * the current rung and track states are highlighted.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, defaultPlaybook } from 'crisis-playbook';
 * import { toMermaid } from 'crisis-playbook/visualize';
 *
 * console.log(toMermaid(defaultPlaybook));
 * const actor = createActor(crisisMachine).start();
 * actor.send({ type: 'assessment.complete' });
 * const highlighted = toMermaid(crisisMachine, { snapshot: actor.getSnapshot() }); // directMessage highlighted
 * ```
 *
 * @category Inspector and diagrams
 */
export function toMermaid(playbook: PlaybookDefinition | AnyStateMachine, options: MermaidOptions = {}): string {
  const definition = 'ladder' in playbook ? playbook : compiledPlaybookOf(playbook)?.definition;
  if (!definition) throw new TypeError('Expected a playbook definition or a machine compiled by crisis-playbook');
  const lines = ['stateDiagram-v2'];
  const push = (depth: number, line: string) => lines.push(`${'  '.repeat(depth)}${line}`);
  const shared = options.fromEveryRung !== false;

  push(1, `state "${clean(definition.title)}" as incident {`);
  push(2, 'state "Escalation ladder" as ladder {');
  push(3, `[*] --> ${definition.ladder.initial}`);
  for (const rung of definition.ladder.rungs) push(3, `state "${clean(rung.title)}" as ${rung.id}`);
  for (const rung of definition.ladder.rungs) {
    if (rung.final) {
      push(3, `${rung.id} --> [*]`);
      continue;
    }
    const transitions = shared ? rungTransitions(definition, rung) : (rung.on ?? []);
    for (const t of transitions) {
      if (t.target !== undefined && t.target !== rung.id) push(3, `${rung.id} --> ${t.target} : ${label(t.event, t.guard)}`);
    }
    for (const t of rungWindows(rung)) push(3, `${rung.id} --> ${t.target} : ${label(`after ${t.window}`, t.guard)}`);
  }
  push(2, '}');
  for (const track of definition.tracks) {
    push(2, '--');
    push(2, `state "${clean(track.title)}" as track_${track.id} {`);
    push(3, `[*] --> ${track.id}_${track.initial}`);
    for (const state of track.states) push(3, `state "${clean(state.title)}" as ${track.id}_${state.id}`);
    for (const state of track.states) {
      for (const t of state.on ?? []) {
        if (t.target !== undefined && t.target !== state.id) {
          push(3, `${track.id}_${state.id} --> ${track.id}_${t.target} : ${label(t.event, t.guard)}`);
        }
      }
    }
    push(2, '}');
  }
  push(1, '}');

  if (options.snapshot) {
    const current = [
      currentRung(options.snapshot),
      ...Object.entries(currentTracks(options.snapshot)).map(([track, state]) => `${track}_${state}`),
    ];
    push(1, 'classDef current fill:#ffd54f,stroke:#e65100,stroke-width:3px');
    push(1, `class ${current.join(',')} current`);
  }
  return `${lines.join('\n')}\n`;
}
