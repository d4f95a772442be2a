import { assign, emit, setup, type UnknownAction } from 'xstate';
import { createBuiltinActions, nextDeadlines } from './actions.js';
import type { SystemWithClock } from './clock.js';
import { createContext, createInputSchema, ownNumber, toOutput, windowMsOf, type IncidentContext, type Reminder, type TimelineEntry } from './context.js';
import { createWindowLength } from './deadlines.js';
import { matches, namedGuards, type GuardArgs } from './guards.js';
import { machineConfig } from './machineConfig.js';
import { armReminder, hasReminders, hasResponded, noteAppended, pendingRemindersOf, reminderDueEvent } from './reminders.js';
import { register, type CompiledPlaybook } from './registry.js';
import type { CompileOptions, PlaybookMachine } from './types.js';
import { toMilliseconds } from '../definition/durations.js';
import { fastSchema } from '../definition/fastSchema.js';
import { finalRungIds, rungWindows } from '../definition/graph.js';
import type { PlaybookDefinition } from '../definition/types.js';
import { createEventParser } from '../events/createEventParser.js';
import { limits } from '../limits.js';

const noReminders: readonly Reminder[] = Object.freeze([]);
/** A new incident's context has no update to apply: its reminders are worked out on the context as created. */
const noUpdate: Partial<IncidentContext> = Object.freeze({});

/**
 * `compilePlaybook` without checking the definition first: for definitions known to be
 * valid (the default playbook, which its tests check), so that importing the library does not
 * run the playbook schema.
 */
export function compileValidPlaybook<const D extends PlaybookDefinition, G extends string = never, A extends string = never>(
  definition: D,
  options: CompileOptions<G, A> = {},
): PlaybookMachine<D, G> {
  const parser = createEventParser(definition);
  const declared = new Set(Object.keys(definition.events));
  // Only declared events can take a transition; others (XState's own `xstate.after…` events)
  // have nothing to validate. The answer is kept per event object with the event's JSON, so
  // that several guards asking cost one parse, and an app that mutates and resends the same
  // object is checked again.
  const known = new WeakMap<object, { json: string; valid: boolean }>();
  const trusted: CompiledPlaybook['trusted'] = { event: undefined };
  const isEventValid = ({ context, event }: GuardArgs): boolean => {
    // A full timeline takes nothing more, not even a window running out (its deadline is dropped).
    if ((context.timeline?.length ?? 0) >= limits.timelineEntries) return false;
    if (event === trusted.event || !declared.has(event.type)) return true;
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch {
      return false;
    }
    const seen = known.get(event);
    if (seen?.json === json) return seen.valid;
    const valid = parser.safeParse(event).success;
    known.set(event, { json, valid });
    return valid;
  };

  /** Whether a rung may still send a follow-up: fewer than `max` were sent, and the timeline has room. */
  const canFollowUp = ({ context }: { context: IncidentContext }, params: { readonly rung: string; readonly max: number }): boolean =>
    context.timeline.length < limits.timelineEntries && (ownNumber(context.followUps, params.rung) ?? 0) < params.max;

  // Read by own keys only (`windowMsOf`): window names come from stored documents too (`valueOf` is no window).
  const defaultWindows: Record<string, number> = Object.fromEntries(Object.entries(definition.windows).map(([name, window]) => [name, toMilliseconds(window.duration)!]));
  const delays = Object.fromEntries(
    Object.keys(definition.windows).map((name) => [
      name,
      ({ context }: { context: IncidentContext }) => windowMsOf(context, name, defaultWindows)!,
    ]),
  );
  const inputSchema = fastSchema(() => createInputSchema(definition));
  const windowLength = createWindowLength(defaultWindows);
  type GuardsOf = { readonly logic?: { readonly implementations?: { readonly guards?: Readonly<Record<string, unknown>> } } };
  // The reminders of the response-time targets, for playbooks that have them; guards are the machine's own (`provide` counts).
  // A move to a final rung ends the incident: nothing is pending after it.
  const finalRungs = finalRungIds(definition);
  const remindersFor = hasReminders(definition)
    ? (
        context: IncidentContext,
        update: Partial<IncidentContext>,
        { self }: { readonly self?: unknown },
        entry?: TimelineEntry,
      ) => {
        if (entry !== undefined && finalRungs.has(entry.to)) return noReminders;
        const timeline = update.timeline ?? context.timeline;
        // Once someone responded no reminder is pending again: no need to look at the severity.
        const responded = entry !== undefined ? noteAppended(definition, context.timeline, timeline, entry).responded : hasResponded(definition, { timeline });
        if (responded) return noReminders;
        return pendingRemindersOf(definition, update === noUpdate ? context : { ...context, ...update }, (self as GuardsOf | undefined)?.logic?.implementations?.guards ?? {});
      }
    : undefined;
  /**
   * Whether a reminder may be recorded: one is pending and the timeline has room, and the event
   * is the very object the library sends when a reminder falls due (so no app can record one).
   */
  const isReminderDue = ({ context, event }: GuardArgs & { context: IncidentContext }, params?: { readonly full?: boolean }): boolean =>
    event === reminderDueEvent &&
    (context.reminders?.length ?? 0) > 0 &&
    // `full`: the timeline has no room to record it (the reminder is dropped instead, as a window's deadline is).
    (context.timeline.length < limits.timelineEntries) !== (params?.full === true);
  const initialRung = definition.ladder.rungs.find((rung) => rung.id === definition.ladder.initial);
  const initialWindows = [...new Set(initialRung === undefined ? [] : rungWindows(initialRung).map((after) => after.window))];
  const machine = setup({
    // The reminder guard last: a playbook's guard of the same name cannot let an app's event record a reminder.
    // A playbook's guards cannot take the built-ins' names (validation refuses them): they come first.
    guards: { ...namedGuards(definition), isEventValid, matches, canFollowUp, ...options.guards, isReminderDue } as never,
    // The built-in actions read their events defensively, so they fit any playbook's events.
    actions: {
      ...createBuiltinActions(definition.ladder.initial, windowLength, remindersFor),
      armReminder,
      // A reminder that fell due when the timeline was full: it cannot be recorded, and must not stay due for ever.
      dropReminder: assign(({ context }: { context: IncidentContext }) => {
        const rest = context.reminders?.slice(1) ?? [];
        return { reminders: rest.length > 0 ? rest : undefined };
      }),
      // Tells the live incident's listeners (`incident.on('reminder', …)`) what the timeline just recorded.
      emitReminder: emit(({ context }: { context: IncidentContext }) => {
        const entry = context.timeline.at(-1)!;
        return { type: 'reminder', reminder: entry.reminder!, severity: entry.severity!, at: entry.at };
      }),
      ...(options.actions as Record<string, UnknownAction> | undefined),
    } as never,
    delays: delays as never,
  }).createMachine({
    ...machineConfig(definition),
    context: ({ input, self }: { input: unknown; self: { system?: SystemWithClock } }) => {
      const created = createContext(inputSchema, input, self.system);
      const reminders = remindersFor?.(created, noUpdate, { self });
      const context = reminders !== undefined && reminders.length > 0 ? { ...created, reminders } : created;
      if (initialWindows.length === 0) return context;
      // The first rung's windows start when the incident is opened.
      const args = { context, event: { type: 'xstate.init' }, self, system: self.system };
      const deadlines = nextDeadlines([], { enter: initialWindows }, definition.ladder.initial, Date.parse(context.openedAt!), (window) =>
        windowLength(window, context, args),
      );
      return { ...context, deadlines };
    },
    output: ({ context }: { context: IncidentContext }) => toOutput(context),
  } as never) as unknown as PlaybookMachine<D, G>;
  register(machine, { definition, parser: parser as unknown as CompiledPlaybook['parser'], delays, defaultWindows, trusted });
  return machine;
}
