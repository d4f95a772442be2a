import type { AnyMachineSnapshot, StateValue } from 'xstate';

function activeRegions(value: StateValue): Record<string, string> | undefined {
  if (typeof value === 'string') return undefined;
  const active = value.active;
  return active !== undefined && typeof active === 'object' ? (active as Record<string, string>) : undefined;
}

/**
 * The rung an incident is on: the ladder's state while it is open, or the final rung
 * (`resolved`, `closed`) once it is done.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, currentRung } from 'crisis-playbook';
 *
 * const actor = createActor(crisisMachine).start();
 * console.log(currentRung(actor.getSnapshot())); // 'gatheringInfo'
 * ```
 *
 * @category Advice
 */
export function currentRung<S extends AnyMachineSnapshot>(snapshot: S): RungIn<S['value']> {
  const value = snapshot.value as StateValue;
  if (typeof value === 'string') return value as RungIn<S['value']>;
  const ladder = activeRegions(value)?.ladder;
  if (ladder === undefined) {
    throw new TypeError(`Expected a crisis-playbook snapshot; received state value ${JSON.stringify(value)}`);
  }
  return ladder as RungIn<S['value']>;
}

/**
 * The rung ids a snapshot's state value can be on: typed for compiled playbooks
 * (see `PlaybookStateValue`), `string` for other machines.
 *
 * @example
 * ```ts
 * import type { CrisisRung, defaultPlaybook, PlaybookStateValue, RungIn } from 'crisis-playbook';
 *
 * const rung: RungIn<PlaybookStateValue<typeof defaultPlaybook>> = 'phoneCall';
 * const same: CrisisRung = rung;
 * ```
 *
 * @category Advice
 */
export type RungIn<V> = 0 extends 1 & V
  ? string
  : V extends string
    ? V
    : V extends { active: { ladder: infer L extends string } }
      ? L
      : string;

/**
 * The state of each side track (for the default playbook, `community` and `safety`) while the
 * incident is open; an empty object once it is done.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, currentTracks } from 'crisis-playbook';
 *
 * const actor = createActor(crisisMachine).start();
 * actor.send({ type: 'community.supported' });
 * console.log(currentTracks(actor.getSnapshot())); // { community: 'supported', safety: 'none' }
 * ```
 *
 * @category Advice
 */
export function currentTracks(snapshot: AnyMachineSnapshot): Record<string, string> {
  const regions = activeRegions(snapshot.value as StateValue);
  if (regions === undefined) return {};
  return Object.fromEntries(Object.entries(regions).filter(([region]) => region !== 'ladder'));
}
