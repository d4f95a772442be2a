// crisis-playbook/visualize: Mermaid diagrams and the XState inspector, with personal data
// redacted.

export { toMermaid } from './visualize/toMermaid.js';
export type { MermaidOptions } from './visualize/toMermaid.js';
export { incidentInspectorOptions } from './visualize/incidentInspectorOptions.js';
export type { IncidentInspectorOptions } from './visualize/incidentInspectorOptions.js';
export { createInspectionRecorder, parseInspectionRecords, replayInspection } from './visualize/inspectionRecording.js';
export type { InspectionRecord, InspectionRecorder, InspectorLike } from './visualize/inspectionRecording.js';
export { createRedactor } from './visualize/redact.js';
export type { RedactedEvent, RedactedSnapshot, Redactor } from './visualize/redact.js';
