import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { currentRung, currentTracks } from '../advice/currentRung.js';
import { compiledPlaybookOf } from '../compile/registry.js';
import { conditionText } from '../definition/conditions.js';
import { overridesShared, rungTransitions, rungWindows } from '../definition/graph.js';
import type { Condition, PlaybookDefinition, RungSpec } from '../definition/types.js';

/**
 * Options of {@link toMermaid}.
 *
 * @example
 * ```ts
 * import type { MermaidOptions } from 'crisis-playbook/visualize';
 *
 * const options: MermaidOptions = { fromEveryRung: 'each' };
 * ```
 *
 * @category Inspector and diagrams
 */
export interface MermaidOptions {
  /** Highlight the incident's current rung and side-track states. */
  readonly snapshot?: AnyMachineSnapshot;
  /**
   * How to draw the transitions every open rung shares (`ladder.fromEveryRung`:
   * `contact.received`, `incident.closed`):
   *
   * - `'once'`: one arrow per transition from a single "Any open rung" state (a rung that
   *   handles the event itself is named after "not from" on the arrow, and its own arrow is drawn);
   * - `'each'`: an arrow from every open rung that does not handle the event itself;
   * - `'none'`: not drawn.
   *
   * @defaultValue 'once'
   */
  readonly fromEveryRung?: 'once' | 'each' | 'none';
}

// The state that stands for every open rung when shared transitions are drawn once.
const anyOpenRungTitle = 'Any open rung';

// Characters kept as they are: letters, digits, spaces and punctuation Mermaid shows verbatim.
// Any other character is written as a Mermaid entity (`#58;` for `:`), which Mermaid turns back
// into the character: `"` and `;` end a statement, `<` and `&` would be read as HTML, `*` as
// emphasis, `#` would start an entity.
const escaped = /[^\p{L}\p{N} .,\-/()[\]'!?@+=]/gu;

/** Text from a playbook as Mermaid needs it: one line, punctuation kept (escaped where needed). */
function text(value: string): string {
  const written =
    value
      // eslint-disable-next-line no-control-regex -- control characters from a playbook must not reach a diagram
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(escaped, (character) => `#${character.codePointAt(0)};`)
      // Mermaid reads "direction" and a space as a layout statement, even inside a title.
      .replace(/(d)(irection )/gi, (_, d: string, rest: string) => `#${d.codePointAt(0)};${rest}`);
  // A text of nothing but spaces and line breaks: Mermaid cannot parse an empty title.
  return written === '' ? '#160;' : written;
}

function trigger(event: string, guard: Condition | undefined): string {
  return text(guard === undefined ? event : `${event} [${conditionText(guard)}]`);
}

/** The follow-ups a rung sends before its window moves on, for the window's label (` ×1 follow-up`); empty without. */
function followUpsLabel(rung: RungSpec, window: string): string {
  const followUps = rung.followUps;
  if (followUps?.window !== window) return '';
  return ` ×${followUps.max} follow-up${followUps.max === 1 ? '' : 's'}`;
}

// Ids Mermaid cannot take as a state id: its keywords, and names its layout looks up on plain objects.
const reservedIds = new Set(['as', 'class', 'classdef', 'click', 'direction', 'end', 'hide', 'note', 'state', 'style', ...Object.getOwnPropertyNames(Object.prototype).map((name) => name.toLowerCase())]);

/**
 * Gives every state a Mermaid id: the preferred one (the playbook's id) when Mermaid can take it
 * and no other state has it, else `_<n>` (playbook ids start with a letter, so these never clash).
 */
function idAllocator(): (preferred: string) => string {
  const taken = new Set<string>();
  let next = 0;
  return (preferred) => {
    let id = preferred;
    if (!/^[A-Za-z_]\w*$/.test(id) || reservedIds.has(id.toLowerCase()) || taken.has(id)) {
      do id = `_${next++}`;
      while (taken.has(id));
    }
    taken.add(id);
    return id;
  };
}

/**
 * A Mermaid `stateDiagram-v2` of a playbook (a definition or a compiled machine), laid out to be
 * read at a glance: the ladder from top to bottom with the rungs' titles, one arrow per pair of
 * rungs labelled with every event and window that leads from one to the other (`event [guard]`,
 * `after <window>`, with `×n follow-ups` when the rung sends follow-ups first, one per line), the
 * transitions every open rung shares drawn once from an
 * "Any open rung" state, final rungs, and the side tracks below the ladder. Titles keep their
 * punctuation (escaped as Mermaid needs). Given a snapshot, the current rung and track states
 * are highlighted.
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
 * const everyArrow = toMermaid(defaultPlaybook, { fromEveryRung: 'each' }); // shared transitions from each rung
 * actor.stop();
 * ```
 *
 * @category Inspector and diagrams
 */
export function toMermaid(playbook: PlaybookDefinition | AnyStateMachine, options: MermaidOptions = {}): string {
  const definition = 'ladder' in playbook ? playbook : compiledPlaybookOf(playbook)?.definition;
  if (!definition) throw new TypeError('Expected a playbook definition or a machine compiled by crisis-playbook');
  const shared = options.fromEveryRung ?? 'once';
  if (shared !== 'once' && shared !== 'each' && shared !== 'none') {
    throw new TypeError(`Expected fromEveryRung to be "once", "each" or "none", received ${JSON.stringify(shared)}`);
  }
  const lines = ['stateDiagram-v2'];
  const push = (depth: number, line: string) => lines.push(`${'  '.repeat(depth)}${line}`);

  const allocate = idAllocator();
  const incidentId = allocate('incident');
  const ladderId = allocate('ladder');
  const rungIds = new Map(definition.ladder.rungs.map((rung) => [rung.id, allocate(rung.id)]));
  const rungId = (id: string) => rungIds.get(id) ?? allocate(id);
  const tracks = definition.tracks.map((track) => {
    const composite = allocate(`track_${track.id}`);
    return { track, composite, states: new Map(track.states.map((state) => [state.id, allocate(`${track.id}_${state.id}`)])) };
  });
  const sideTracksId = allocate('_sideTracks');
  const anyOpenRungId = allocate('_anyOpenRung');
  const titleOf = new Map(definition.ladder.rungs.map((rung) => [rung.id, rung.title]));

  // Every arrow, one per pair of states, with the triggers that lead along it, in order.
  const arrows = new Map<string, { from: string; to: string; triggers: string[] }>();
  const arrow = (from: string, to: string, label: string) => {
    const key = `${from} ${to}`;
    const existing = arrows.get(key);
    if (existing) existing.triggers.push(label);
    else arrows.set(key, { from, to, triggers: [label] });
  };
  const drawArrows = (depth: number) => {
    for (const { from, to, triggers } of arrows.values()) push(depth, `${from} --> ${to} : ${triggers.join(' /<br>')}`);
    arrows.clear();
  };

  push(1, `state "${text(definition.title)}" as ${incidentId} {`);
  // Left to right, the ladder and the side tracks (which share no arrow) stack vertically.
  push(2, 'direction LR');
  push(2, `state "Escalation ladder" as ${ladderId} {`);
  push(3, 'direction TB');
  push(3, `[*] --> ${rungId(definition.ladder.initial)}`);
  for (const rung of definition.ladder.rungs) push(3, `state "${text(rung.title)}" as ${rungId(rung.id)}`);
  const openRungs = definition.ladder.rungs.filter((rung) => !rung.final);
  const sharedDrawnOnce = shared === 'once' ? (definition.ladder.fromEveryRung ?? []).filter((t) => t.target !== undefined) : [];
  if (sharedDrawnOnce.length > 0 && openRungs.length > 0) push(3, `state "${text(anyOpenRungTitle)}" as ${anyOpenRungId}`);
  for (const rung of definition.ladder.rungs) {
    if (rung.final) continue;
    const transitions = shared === 'each' ? rungTransitions(definition, rung) : (rung.on ?? []);
    for (const t of transitions) {
      if (t.target !== undefined && t.target !== rung.id) arrow(rungId(rung.id), rungId(t.target), trigger(t.event, t.guard));
    }
    for (const t of rungWindows(rung)) arrow(rungId(rung.id), rungId(t.target), trigger(`after ${t.window}${followUpsLabel(rung, t.window)}`, t.guard));
  }
  if (openRungs.length > 0) {
    for (const t of sharedDrawnOnce) {
      const overriding = openRungs.filter((rung) => overridesShared(rung, t.event)).map((rung) => titleOf.get(rung.id)!);
      const except = overriding.length > 0 ? ` ${text(`(not from ${overriding.join(', ')})`)}` : '';
      arrow(anyOpenRungId, rungId(t.target!), `${trigger(t.event, t.guard)}${except}`);
    }
  }
  drawArrows(3);
  for (const rung of definition.ladder.rungs) if (rung.final) push(3, `${rungId(rung.id)} --> [*]`);
  push(2, '}');

  if (tracks.length > 0) {
    push(2, `state "Side tracks" as ${sideTracksId} {`);
    push(3, 'direction LR');
    for (const { track, composite, states } of tracks) {
      push(3, `state "${text(track.title)}" as ${composite} {`);
      push(4, 'direction LR');
      push(4, `[*] --> ${states.get(track.initial) ?? allocate(track.initial)}`);
      for (const state of track.states) push(4, `state "${text(state.title)}" as ${states.get(state.id)!}`);
      for (const state of track.states) {
        for (const t of state.on ?? []) {
          if (t.target !== undefined && t.target !== state.id) arrow(states.get(state.id)!, states.get(t.target) ?? allocate(t.target), trigger(t.event, t.guard));
        }
      }
      drawArrows(4);
      push(3, '}');
    }
    push(2, '}');
  }
  push(1, '}');

  if (sharedDrawnOnce.length > 0 && openRungs.length > 0) {
    push(1, 'classDef anyOpenRung fill:#ffffff,stroke:#9370db,stroke-width:1px,stroke-dasharray:5 3');
    push(1, `class ${anyOpenRungId} anyOpenRung`);
  }
  if (options.snapshot) {
    const rung = currentRung(options.snapshot);
    const current = [
      rungId(rung),
      ...Object.entries(currentTracks(options.snapshot)).map(([track, state]) => tracks.find((t) => t.track.id === track)?.states.get(state) ?? allocate(`${track}_${state}`)),
    ];
    push(1, 'classDef current fill:#ffd54f,stroke:#e65100,stroke-width:3px');
    push(1, `class ${current.join(',')} current`);
  }
  return `${lines.join('\n')}\n`;
}
