// crisis-playbook/visualize: Mermaid diagrams and the XState inspector, with personal data
// redacted.

export { toMermaid } from './visualize/toMermaid.js';
export type { MermaidOptions } from './visualize/toMermaid.js';
export { createInspectionRecorder, incidentInspectorOptions, parseInspectionRecords, replayInspection } from './visualize/inspection.js';
export type { IncidentInspectorOptions, InspectionRecord, InspectionRecorder, InspectorLike } from './visualize/inspection.js';
export { createRedactor } from './visualize/redact.js';
export type { RedactedEvent, RedactedSnapshot, Redactor } from './visualize/redact.js';
