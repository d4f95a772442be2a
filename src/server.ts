// crisis-playbook/server: stored incidents, pure decisions, durable deadlines, signing and
// stores with optimistic concurrency.

export { createIncidentRuntime } from './runtime/incidentRuntime.js';
export type { DecideOptions, IncidentRuntime, IncidentRuntimeOptions, RestoreOptions } from './runtime/incidentRuntime.js';
export type { DeadlineEvent, DecideResult, Decision, DecisionReminders, ScheduledDeadline } from './runtime/decision.js';
export type { IncidentMigration, MigrationReason } from './runtime/envelope.js';
export type { SigningOptions } from './runtime/signing.js';
export {
  decide,
  decideDue,
  openIncident,
  parseStoredIncident,
  restoreIncident,
  safeDecide,
  safeDecideDue,
  safeOpenIncident,
  safeParseStoredIncident,
  safeRestoreIncident,
  safeSerializeIncident,
  safeSummarizeIncident,
  serializeIncident,
  summarizeIncident,
} from './default/defaultRuntime.js';
export { aggregateSummaries } from './runtime/summary.js';
export type { DurationStats, IncidentSummary, SummarizeOptions, SummaryAggregate, SummaryMoment, SummaryOutcome } from './runtime/summary.js';
export { incidentFormatVersion } from './runtime/storedIncident.js';
export type { StoredIncident, StoredStateValue } from './runtime/storedIncident.js';
export { MemoryIncidentStore, updateIncident } from './runtime/incidentStore.js';
export type { IncidentStore, UpdateOptions, VersionedIncident } from './runtime/incidentStore.js';
