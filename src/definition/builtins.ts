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
 * condition, as params) and `canFollowUp` (a rung may still send a follow-up, see `followUps`).
 *
 * @example
 * ```ts
 * import { builtinGuardNames } from 'crisis-playbook/authoring';
 *
 * console.log(builtinGuardNames); // ['isEventValid', 'matches', 'canFollowUp']
 * ```
 *
 * @category Compiler
 */
export const builtinGuardNames = ['isEventValid', 'matches', 'canFollowUp'] as const;
