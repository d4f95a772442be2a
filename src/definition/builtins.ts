/**
 * Names of the actions a playbook definition may use in `actions` lists: each copies part of
 * an event into the incident's context.
 *
 * @example
 * ```ts
 * import { builtinActionNames } from 'crisis-playbook/authoring';
 *
 * console.log(builtinActionNames.includes('recordThreat')); // true
 * ```
 *
 * @category Compiler
 */
export const builtinActionNames = [
  'updateFacts',
  'recordAccessGranted',
  'recordReply',
  'recordIntermediary',
  'recordCall',
  'recordSupport',
  'recordThreat',
  'recordClosure',
] as const;

/**
 * Names of the guards every compiled machine has besides the playbook's own: `isEventValid`
 * (the event matches its schema and the timeline has room), `matches` (one comparison of a
 * condition, as params), `canFollowUp` (a rung may still send a follow-up, see `followUps`) and
 * `isReminderDue` (a reminder of a response-time target fell due, see `SeverityLevelSpec`).
 *
 * @example
 * ```ts
 * import { builtinGuardNames } from 'crisis-playbook/authoring';
 *
 * console.log(builtinGuardNames); // ['isEventValid', 'matches', 'canFollowUp', 'isReminderDue']
 * ```
 *
 * @category Compiler
 */
export const builtinGuardNames = ['isEventValid', 'matches', 'canFollowUp', 'isReminderDue'] as const;

/**
 * The timeline entry types the library records itself: a waiting window ran out, a reminder
 * of a response-time target fell due. No playbook event may take these names.
 */
export const recordedEventTypes = { windowElapsed: 'window.elapsed', reminderDue: 'reminder.due' } as const;

/** Fields every event may carry, checked by the library's own rules (when it happened, who recorded it): no payload redefines them. */
export const metadataFields = ['at', 'by'] as const;

/** Why an optional payload field cannot be named like what every JavaScript object has (`valueOf`): left out, the event would read the inherited one. */
export function prototypeFieldMessage(field: string): string {
  return `The optional payload field "${field}" is a name every JavaScript object has: an event without it could not be sent; choose another name`;
}

/** Why a payload cannot declare the metadata field `field`. */
export function metadataMessage(field: string): string {
  return `The payload field "${field}" is the library's own (every event may carry "at", when it happened, and "by", who recorded it, checked by its rules); choose another name`;
}
