// Reminders: the response-time targets of the severity levels, kept as deadlines-as-data.
// They never move the incident: a reminder that falls due adds a `reminder.due` entry to the
// timeline and nothing else.
import { checkGuard, scopeOf, type GuardArgs } from './guards.js';
import type { IncidentContext, Reminder, TimelineEntry } from './context.js';
import { evaluateCondition } from '../definition/conditions.js';
import { toMilliseconds } from '../definition/durations.js';
import { movingEvents } from '../definition/graph.js';
import type { Condition, PlaybookDefinition, SeverityRuleSpec } from '../definition/types.js';
import { parseTime } from '../isoTime.js';

/** The timeline entry type (and internal event) of a reminder that fell due. */
export const reminderEventType = 'reminder.due';

/** The id of the one reminder the severity levels give today: the first response is due. */
export const firstResponse = 'first-response';

/** The event severity rules are evaluated with: none is being processed. */
export const neutralEvent = { type: 'crisis.recommend' } as const;

/**
 * The level a playbook's severity rules put an incident at: its rank (0, the lowest, when no
 * rule holds) and the rule that raised it. `holds` answers a rule's condition now.
 */
export function severityRankOf(
  definition: PlaybookDefinition,
  holds: (condition: Condition) => boolean,
): { readonly rank: number; readonly rule: SeverityRuleSpec | undefined } {
  const levels = definition.severity?.levels ?? [];
  let rank = 0;
  let raisedBy: SeverityRuleSpec | undefined;
  for (const rule of definition.severity?.rules ?? []) {
    const at = levels.findIndex((level) => level.id === rule.level);
    if (at <= rank || !holds(rule.when)) continue;
    rank = at;
    raisedBy = rule;
  }
  return { rank, rule: raisedBy };
}

/** Whether a playbook gives reminders: one of its severity levels has a response-time target. */
export function hasReminders(definition: PlaybookDefinition): boolean {
  return definition.severity?.levels.some((level) => level.respondWithin !== undefined) === true;
}

/** The rank of a severity level by id, or -1. */
export function levelRank(definition: PlaybookDefinition, level: string | undefined): number {
  return definition.severity?.levels.findIndex((spec) => spec.id === level) ?? -1;
}

/** Whether the timeline records a first response: an event of the kind that moves the ladder. */
export function hasResponded(definition: PlaybookDefinition, context: Pick<IncidentContext, 'timeline'>): boolean {
  const moving = movingEvents(definition);
  return context.timeline.some((entry) => moving.has(entry.type));
}

/**
 * The reminders now pending for `context`, earliest first: while nobody has responded (no
 * event that moves the ladder is recorded), the first response of the current level is due at
 * the opening plus the level's `respondWithin`. A reminder fires once per level: once recorded
 * at a level, it is pending again only when the severity rises above that level (the higher
 * level's target then counts, from the opening). Guards are answered through `implementations`
 * (so `provide` counts); a guard given in code that throws counts as not holding.
 */
export function pendingRemindersOf(
  definition: PlaybookDefinition,
  context: IncidentContext,
  implementations: Readonly<Record<string, unknown>>,
): readonly Reminder[] {
  const levels = definition.severity?.levels;
  if (levels === undefined || hasResponded(definition, context)) return [];
  const opened = context.openedAt ?? context.timeline[0]?.at;
  if (opened === undefined) return [];
  const args: GuardArgs = { context, event: neutralEvent };
  const named = (name: string): boolean => {
    try {
      return checkGuard(name, args, implementations);
    } catch {
      return false;
    }
  };
  const { rank } = severityRankOf(definition, (condition) => evaluateCondition(condition, scopeOf(args), named));
  const level = levels[rank]!;
  const within = level.respondWithin === undefined ? undefined : toMilliseconds(level.respondWithin);
  if (within === undefined) return [];
  for (const entry of context.timeline) {
    if (entry.type === reminderEventType && entry.reminder === firstResponse && levelRank(definition, entry.severity) >= rank) return [];
  }
  return [{ reminder: firstResponse, severity: level.id, due: new Date(parseTime(opened) + within).toISOString() }];
}

/**
 * The reminder a `reminder.due` entry of the timeline recorded, with the time it fell due (the
 * opening plus its level's target); `undefined` for any other entry.
 */
export function reminderOfEntry(definition: PlaybookDefinition, context: IncidentContext, entry: TimelineEntry): Reminder | undefined {
  if (entry.type !== reminderEventType || entry.reminder === undefined || entry.severity === undefined) return undefined;
  const spec = definition.severity?.levels.find((level) => level.id === entry.severity);
  const within = spec?.respondWithin === undefined ? undefined : toMilliseconds(spec.respondWithin);
  const opened = context.openedAt ?? context.timeline[0]?.at;
  const due = within === undefined || opened === undefined ? entry.at : new Date(parseTime(opened) + within).toISOString();
  return { reminder: entry.reminder, severity: entry.severity, due };
}
