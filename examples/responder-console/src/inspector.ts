// `?inspect` in the URL: the incidents are shown in the Stately inspector
// (https://stately.ai/inspect, in a pop-up), through @statelyai/inspect, with the library's
// inspector options: the whole machine definition is sent, and personal data is redacted.
import { createBrowserInspector } from '@statelyai/inspect';
import type { AnyStateMachine, InspectionEvent, Observer } from 'xstate';
import { incidentInspectorOptions } from 'crisis-playbook/visualize';

/** Whether the page was opened with `?inspect`. */
export const inspecting = new URLSearchParams(location.search).has('inspect');

const inspectors = new Map<AnyStateMachine, ReturnType<typeof createBrowserInspector>>();

/** The `inspect` option for incidents of `machine`: `undefined` without `?inspect`. */
export function inspectorFor(machine: AnyStateMachine): Observer<InspectionEvent> | undefined {
  if (!inspecting) return undefined;
  let inspector = inspectors.get(machine);
  if (!inspector) {
    inspector = createBrowserInspector(incidentInspectorOptions({ machine }));
    inspectors.set(machine, inspector);
  }
  return inspector.inspect;
}
