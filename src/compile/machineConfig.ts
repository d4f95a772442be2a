import { isBuiltinAction, type TimelineParams } from './actions.js';
import { transitionGuard } from './guards.js';
import { regionIds } from './layout.js';
import { hasReminders, reminderEventType } from './reminders.js';
import { destinationOf, finalRungIds, groupBy, recordingRegions, rungTransitions, rungWindows, type Region } from '../definition/graph.js';
import type { AdviceSpec, AfterSpec, FollowUpSpec, PlaybookDefinition, TransitionSpec } from '../definition/types.js';

/**
 * The machine config of a playbook definition: the pure first step of compiling, with no
 * functions but the guards' (which show as JSON, see `transitionGuard`), so that the whole
 * config can be checked as JSON. The ladder and the side tracks are parallel regions of
 * `active`; final rungs are final states at the root; every transition names its guard and
 * its actions, and records itself in the timeline (`appendTimeline`) in exactly one region.
 * Each transition runs one `assign`: `appendTimeline` also applies the built-in actions and keeps
 * the deadlines (XState rebuilds the snapshot for every `assign`, so one per transition is what a
 * hand-written machine pays). The initial rung's deadlines are set with the context. Only rungs
 * and track states carry tags (the playbook's): XState rebuilds the set of tags with every
 * snapshot, so the containers carry none.
 */
export function machineConfig(definition: PlaybookDefinition) {
  const { id, ladder } = definition;
  const finalIds = finalRungIds(definition);
  // Final rungs are states at the root, outside the ladder region.
  const rungTarget = (target: string) => (finalIds.has(target) ? `#${id}.${target}` : target);

  // One timeline entry per accepted event: when several regions handle an event, only one
  // of them records it, and that region gets a recording stay wherever it would otherwise not
  // handle the event (or only under a condition).
  const recorders = recordingRegions(definition);
  const recordedBy = new Map<Region, string[]>();
  for (const [event, region] of recorders) {
    const events = recordedBy.get(region);
    if (events === undefined) recordedBy.set(region, [event]);
    else events.push(event);
  }
  const records = (region: Region, event: string) => (recorders.get(event) ?? region) === region;
  const withRecordingStays = (region: Region, list: readonly TransitionSpec[]): TransitionSpec[] => {
    const last = new Map(list.map((transition) => [transition.event, transition]));
    const stays = (recordedBy.get(region) ?? [])
      .filter((event) => last.get(event) === undefined || last.get(event)!.guard !== undefined)
      .map((event) => ({ event, description: 'Recorded in the timeline; handled in another region.' }));
    return [...list, ...stays];
  };

  // The windows each open rung starts when it is entered.
  const windowsOf = new Map(
    ladder.rungs.filter((rung) => !rung.final).map((rung) => [rung.id, [...new Set(rungWindows(rung).map((after) => after.window))]]),
  );
  /**
   * The actions of a transition: its named actions, then one `assign` that does all it records
   * (`appendTimeline`: the timeline entry, the built-in actions' effects, the deadlines), or only
   * applies the built-in actions when another region records the event (`applyActions`).
   */
  const reminders = hasReminders(definition);
  const actionsOf = (names: readonly string[], record: TimelineParams | undefined) => {
    const builtins = names.filter(isBuiltinAction);
    const folded = builtins.length > 0 ? { actions: builtins } : {};
    const updates =
      record !== undefined
        ? [{ type: 'appendTimeline', params: { ...record, ...folded } }]
        : builtins.length > 0
          ? [{ type: 'applyActions', params: { actions: builtins } }]
          : [];
    // A live incident's reminder timer follows every change (see `armReminder`).
    return [...names, ...updates, ...(reminders && updates.length > 0 ? ['armReminder'] : [])];
  };
  /** The deadline part of a ladder move from `from` to `to`: windows end when their rung is left or re-entered. */
  const deadlinesOf = (from: string, to: string | undefined, reenter: boolean): Pick<TimelineParams, 'leave' | 'enter'> => {
    if (to === undefined || (to === from && !reenter)) return {};
    const enter = windowsOf.get(to) ?? [];
    return { ...(windowsOf.get(from)?.length ? { leave: from } : {}), ...(enter.length > 0 ? { enter } : {}) };
  };

  // One guard per condition, whatever the number of rungs it is copied onto (a move from every
  // rung): building one costs time in proportion to the condition, and so would each copy.
  const guards = new Map<unknown, ReturnType<typeof transitionGuard>>();
  const guardOf = (condition: TransitionSpec['guard']) => {
    let guard = guards.get(condition);
    if (guard === undefined) guards.set(condition, (guard = transitionGuard(condition)));
    return guard;
  };
  const transition = (spec: TransitionSpec, region: Region, from: string | undefined, to: string | undefined) => ({
    ...(to !== undefined ? { target: region === regionIds.ladder ? rungTarget(to) : to } : {}),
    ...(spec.reenter && to !== undefined ? { reenter: true } : {}),
    guard: guardOf(spec.guard),
    actions: actionsOf(
      spec.actions ?? [],
      records(region, spec.event) ? (from === undefined ? {} : { from, to: to ?? from, ...deadlinesOf(from, to, spec.reenter === true) }) : undefined,
    ),
    ...(spec.description ? { description: spec.description } : {}),
  });
  const onConfig = (region: Region, from: string, list: readonly TransitionSpec[], ladderState: boolean) =>
    Object.fromEntries(
      groupBy(withRecordingStays(region, list), (spec) => spec.event).map(([event, specs]) => [
        event,
        specs.map((spec) => transition(spec, region, ladderState ? from : undefined, destinationOf(spec, from))),
      ]),
    );
  const afterConfig = (rung: string, windows: readonly AfterSpec[], followUps: FollowUpSpec | undefined) =>
    Object.fromEntries(
      groupBy(windows, (after) => after.window).map(([window, specs]) => [
        window,
        [
          // Follow-ups first: while the rung may send one, it stays (re-entered, its windows restarted) and records it.
          ...(followUps?.window === window
            ? [
                {
                  target: rung,
                  reenter: true,
                  guard: { type: 'canFollowUp', params: { rung, max: followUps.max } },
                  actions: actionsOf([], { from: rung, to: rung, window, followUp: true, ...deadlinesOf(rung, rung, true) }),
                  description: followUps.description ?? `Send a follow-up (at most ${followUps.max}) and wait again.`,
                },
              ]
            : []),
          ...specs.map((spec) => ({
            target: rungTarget(spec.target),
            guard: guardOf(spec.guard),
            actions: actionsOf(spec.actions ?? [], { from: rung, to: spec.target, window, ...deadlinesOf(rung, spec.target, false) }),
            ...(spec.description ? { description: spec.description } : {}),
          })),
          // When no move applies (its condition fails, or the timeline is full), the window is over all the same.
          { actions: [{ type: 'clearDeadlines', params: { rung, window } }] },
        ],
      ]),
    );
  const meta = (title: string, advice: readonly AdviceSpec[]) => ({ title, advice });

  const rungStates = Object.fromEntries(
    ladder.rungs
      .filter((rung) => !rung.final)
      .map((rung) => {
        const windows = rungWindows(rung);
        return [
          rung.id,
          {
            description: rung.description,
            tags: [...(rung.tags ?? [])],
            meta: meta(rung.title, rung.advice),
            // Deadlines as data: each move onto and off the rung records and drops them (see `appendTimeline`).
            ...(windows.length > 0 ? { after: afterConfig(rung.id, windows, rung.followUps) } : {}),
            on: onConfig(regionIds.ladder, rung.id, rungTransitions(definition, rung), true),
          },
        ];
      }),
  );

  const trackStates = Object.fromEntries(
    definition.tracks.map((track) => [
      track.id,
      {
        description: track.description,
        meta: { title: track.title },
        initial: track.initial,
        states: Object.fromEntries(
          track.states.map((state) => [
            state.id,
            {
              description: state.description,
              tags: [...(state.tags ?? [])],
              meta: meta(state.title, state.advice),
              on: onConfig(track.id, state.id, state.on ?? [], false),
            },
          ]),
        ),
      },
    ]),
  );

  const finalStates = Object.fromEntries(
    ladder.rungs
      .filter((rung) => rung.final)
      .map((rung) => [rung.id, { type: 'final' as const, description: rung.description, tags: [...(rung.tags ?? [])], meta: meta(rung.title, rung.advice) }]),
  );

  return {
    id,
    description: definition.description,
    meta: {
      title: definition.title,
      playbook: { id, version: definition.version, title: definition.title, initial: ladder.initial, guards: definition.guards },
    },
    initial: regionIds.open,
    // A reminder that falls due is recorded at the root, whatever the rung: it never moves the incident.
    ...(reminders
      ? {
          entry: ['armReminder'],
          on: {
            [reminderEventType]: [
              {
                guard: 'isReminderDue',
                actions: [{ type: 'appendTimeline', params: { reminder: true } }, 'armReminder', 'emitReminder'],
                description: 'A response-time target passed: the reminder is recorded in the timeline; the incident does not move.',
              },
              {
                guard: { type: 'isReminderDue', params: { full: true } },
                actions: ['dropReminder', 'armReminder'],
                description: 'A response-time target passed when the timeline was full: the reminder cannot be recorded, and is dropped.',
              },
            ],
          },
        }
      : {}),
    states: {
      [regionIds.open]: {
        type: 'parallel' as const,
        description: 'The incident is open: the ladder and the side tracks run side by side.',
        meta: { title: 'Open incident' },
        states: {
          [regionIds.ladder]: {
            description: ladder.description,
            meta: { title: 'Escalation ladder' },
            initial: ladder.initial,
            states: rungStates,
          },
          ...trackStates,
        },
      },
      ...finalStates,
    },
  };
}
