import { compileValidPlaybook } from '../compile/buildMachine.js';
import { compileGuards } from '../compile/guards.js';
import { defaultPlaybook, type DefaultPlaybook } from './defaultPlaybook.js';
import type { EventOf, GuardOf, RungOf, WindowOf } from '../definition/typesOf.js';

/**
 * The default crisis playbook compiled into an XState v5 machine. Create an actor with the
 * facts known so far and per-incident waiting windows, then send typed events.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, currentRung } from 'crisis-playbook';
 *
 * const actor = createActor(crisisMachine, { input: { facts: { knowsPoster: true } } }).start();
 * actor.send({ type: 'assessment.complete' });
 * console.log(currentRung(actor.getSnapshot())); // 'phoneCall'
 * ```
 *
 * @category Default playbook
 */
// Validated by test/machine.test.ts rather than on every import.
export const crisisMachine = compileValidPlaybook(defaultPlaybook);

/**
 * The default playbook's named guards as predicates, to reuse in your own machines or to
 * override with `crisisMachine.provide({ guards })`.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { crisisGuards } from 'crisis-playbook';
 *
 * const mine = setup({
 *   types: {} as { context: { facts: { knowsPoster?: boolean } } },
 *   guards: { isPosterKnown: crisisGuards.isPosterKnown },
 * }).createMachine({
 *   context: { facts: {} },
 *   initial: 'idle',
 *   states: { idle: { on: { go: { guard: 'isPosterKnown', target: 'call' } } }, call: {} },
 * });
 * ```
 *
 * @category Default playbook
 */
export const crisisGuards = compileGuards(defaultPlaybook);

/**
 * The events of the default playbook, as a typed union.
 *
 * @example
 * ```ts
 * import type { CrisisEvent } from 'crisis-playbook';
 *
 * const event: CrisisEvent = { type: 'call.completed', apology: true, agreement: true };
 * ```
 *
 * @category Default playbook
 */
export type CrisisEvent = EventOf<DefaultPlaybook>;

/**
 * The rung ids of the default playbook.
 *
 * @example
 * ```ts
 * import type { CrisisRung } from 'crisis-playbook';
 *
 * const rung: CrisisRung = 'requestingAccess';
 * ```
 *
 * @category Default playbook
 */
export type CrisisRung = RungOf<DefaultPlaybook>;

/**
 * The waiting windows (named delays) of the default playbook.
 *
 * @example
 * ```ts
 * import type { CrisisWindow } from 'crisis-playbook';
 *
 * const window: CrisisWindow = 'intermediaryWindow';
 * ```
 *
 * @category Default playbook
 */
export type CrisisWindow = WindowOf<DefaultPlaybook>;

/**
 * The named guards of the default playbook.
 *
 * @example
 * ```ts
 * import type { CrisisGuardName } from 'crisis-playbook';
 *
 * const guard: CrisisGuardName = 'arePostsOutOfSight';
 * ```
 *
 * @category Default playbook
 */
export type CrisisGuardName = GuardOf<DefaultPlaybook>;
