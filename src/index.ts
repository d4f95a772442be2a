// crisis-playbook: the default playbook and its machine, live incidents, advice, events,
// errors and the core types. Authoring, the server runtime and visualisation have their own
// entries (crisis-playbook/authoring, /server, /visualize).

// The default playbook.
export { defaultPlaybook } from './default/defaultPlaybook.js';
export type { DefaultPlaybook } from './default/defaultPlaybook.js';
export { crisisMachine, crisisGuards } from './default/crisisMachine.js';
export type { CrisisEvent, CrisisGuardName, CrisisRung, CrisisWindow } from './default/crisisMachine.js';
export { parseEvent, safeParseEvent } from './default/parseEvent.js';

// Live incidents.
export { createIncident, safeCreateIncident } from './runtime/incidentActor.js';
export type { IncidentActor, IncidentOptions, Refusal, SendResult } from './runtime/incidentActor.js';

// Advice: where the incident stands and what to do next.
export { currentRung, currentTracks } from './advice/currentRung.js';
export type { RungIn } from './advice/currentRung.js';
export { currentSeverity, recommend } from './advice/recommend.js';
export { currentReminders } from './advice/reminders.js';
export type { CurrentReminders } from './advice/reminders.js';
export type { Severity } from './advice/severity.js';
export { availableEvents } from './advice/availableEvents.js';
export type { Draft, NextStep, Reason, Recommendation, RecommendOptions } from './advice/recommend.js';

// Events: facts and parsing.
export { incidentFactsSchema, venues } from './definition/facts.js';
export type { IncidentFacts } from './definition/facts.js';
export { createEventParser } from './events/createEventParser.js';
export type { EventParser, ParseEventResult } from './events/createEventParser.js';

// Errors and limits.
export { CrisisPlaybookError, EventValidationError, IncidentError, InputValidationError, PlaybookDefinitionError } from './errors/errors.js';
export type { EventIssueCode, IncidentErrorCode, IncidentIssueCode, PlaybookIssueCode, SafeResult } from './errors/errors.js';
export { compareIssues, formatIssues, formatPath } from './errors/issues.js';
export type { Issue, ZodIssueCode } from './errors/issues.js';
export { limits } from './limits.js';

// Core types: playbook definitions, compiled machines, incident contexts.
export type { Duration } from './definition/durations.js';
export type {
  AdviceSpec,
  AfterSpec,
  Condition,
  ConditionValue,
  DraftSpec,
  FollowUpSpec,
  GuardReasonSpec,
  GuardSpec,
  PlaybookDefinition,
  PlaybookTranslations,
  RungSpec,
  SeverityLevelSpec,
  SeverityRuleSpec,
  SeveritySpec,
  TrackSpec,
  TrackStateSpec,
  TransitionSpec,
  WindowSpec,
} from './definition/types.js';
export type { EventMetadata, EventSpec, PayloadField } from './definition/eventSpec.js';
export type { EventOf, EventPayloadOf, FieldType, GuardOf, PayloadOf, RungOf, WindowOf } from './definition/typesOf.js';
export type {
  CompileOptions,
  CompileResult,
  PlaybookAction,
  PlaybookGuard,
  PlaybookMachine,
  PlaybookStateValue,
  StateMeta,
} from './compile/types.js';
export type { GuardArgs, GuardPredicate } from './compile/guards.js';
export type { ApplyActionsParams, TimelineParams } from './compile/actions.js';
export type { Deadline, IncidentContext, IncidentInput, EmittedReminder, IncidentOutput, Reminder, ThreatRecord, TimelineEntry } from './compile/context.js';
