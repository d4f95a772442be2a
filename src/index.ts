// Definition: the playbook as data.
export { defaultPlaybook } from './definition/defaultPlaybook.js';
export type { DefaultPlaybook } from './definition/defaultPlaybook.js';
export { definePlaybook } from './definition/definePlaybook.js';
export { playbookDefinitionSchema, conditionSchema } from './definition/schema.js';
export { playbookJsonSchema } from './definition/jsonSchema.js';
export { validatePlaybook, assertValidPlaybook } from './definition/validatePlaybook.js';
export { extendPlaybook, PlaybookBuilder } from './definition/extendPlaybook.js';
export type { BuildResult, InsertPosition, RungSpecOf, TransitionOf, WithRungs } from './definition/extendPlaybook.js';
export type { ValidatePlaybookResult, ValidateOptions } from './definition/validatePlaybook.js';
export { toMilliseconds } from './definition/durations.js';
export type { Duration } from './definition/durations.js';
export type {
  AdviceSpec,
  Condition,
  ConditionValue,
  EventMetadata,
  EventOf,
  EventPayloadOf,
  EventSpec,
  FieldType,
  GuardOf,
  GuardSpec,
  PayloadField,
  PayloadOf,
  PlaybookDefinition,
  RungOf,
  RungSpec,
  TimeoutSpec,
  TrackSpec,
  TrackStateSpec,
  TransitionSpec,
  WindowOf,
  WindowSpec,
} from './definition/types.js';

// Events: facts and parsing.
export { incidentFactsSchema, venues } from './events/facts.js';
export type { IncidentFacts } from './events/facts.js';
export { createEventParser, parseEvent, safeParseEvent } from './events/parseEvent.js';
export type { EventParser, ParseEventResult } from './events/parseEvent.js';

// Compile: definition → XState machine.
export { compilePlaybook, safeCompilePlaybook, compileGuards, builtinGuardNames, builtinActionNames } from './compile/compilePlaybook.js';
export type {
  CompileOptions,
  CompileResult,
  GuardArgs,
  GuardPredicate,
  PlaybookAction,
  PlaybookGuard,
  PlaybookMachine,
  PlaybookStateValue,
  StateMeta,
  TimelineParams,
  DeadlineParams,
} from './compile/compilePlaybook.js';
export type {
  Deadline,
  IncidentContext,
  IncidentInput,
  IncidentOutput,
  ThreatRecord,
  TimelineEntry,
} from './compile/context.js';

// The default machine.
export { crisisMachine, crisisGuards } from './machine/crisisMachine.js';
export type { CrisisEvent, CrisisRung, CrisisWindow, CrisisGuardName } from './machine/crisisMachine.js';

// Advice: where the incident stands and what to do next.
export { currentStep, currentTracks } from './advice/currentStep.js';
export type { RungIn } from './advice/currentStep.js';
export { recommend } from './advice/recommend.js';
export type { Reason, Recommendation } from './advice/recommend.js';

// Live incidents: the safe way to run one.
export { createIncident } from './runtime/incidentActor.js';
export type { IncidentActor, IncidentOptions, Refusal, SendResult } from './runtime/incidentActor.js';

// Runtime: stored incidents, pure decisions, deadlines, restore.
export { createIncidentRuntime } from './runtime/incidentRuntime.js';
export type { SigningOptions } from './runtime/signing.js';
export type {
  DecideOptions,
  DecideResult,
  Decision,
  DeadlineEvent,
  IncidentMigration,
  IncidentRuntime,
  IncidentRuntimeOptions,
  MigrationReason,
  RestoreOptions,
  ScheduledDeadline,
} from './runtime/incidentRuntime.js';
export {
  decide,
  decideDue,
  openIncident,
  parseStoredIncident,
  restoreIncident,
  safeDecide,
  serializeIncident,
} from './runtime/defaultRuntime.js';
export { incidentFormatVersion } from './runtime/storedIncident.js';
export { MemoryIncidentStore, updateIncident } from './runtime/incidentStore.js';
export type { IncidentStore, UpdateOptions, VersionedIncident } from './runtime/incidentStore.js';
export type { StoredIncident, StoredStateValue } from './runtime/storedIncident.js';

// Visualisation: diagrams and the XState inspector.
export { toMermaid } from './visualize/toMermaid.js';
export type { MermaidOptions } from './visualize/toMermaid.js';
export {
  createInspectionRecorder,
  incidentInspectorOptions,
  parseInspectionRecords,
  replayInspection,
} from './visualize/inspection.js';
export type {
  IncidentInspectorOptions,
  InspectionRecord,
  InspectionRecorder,
  InspectorLike,
} from './visualize/inspection.js';
export { createRedactor } from './visualize/redact.js';
export type { RedactedEvent, RedactedSnapshot, Redactor } from './visualize/redact.js';

// Errors.
export {
  EventValidationError,
  IncidentError,
  InputValidationError,
  PlaybookDefinitionError,
  formatIssues,
  formatPath,
} from './errors.js';
export type { IncidentErrorCode, PlaybookIssue } from './errors.js';
export { limits } from './limits.js';
