// The responder console: one incident at a time, of the default playbook or of a JSON playbook
// loaded from a file, kept in the browser and restored on reload.
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { useSelector } from '@xstate/react';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { availableEvents, currentRung, formatPath, type IncidentActor, type IncidentContext, type Issue } from 'crisis-playbook';
import type { StoredIncident } from 'crisis-playbook/server';
import { Advice } from './Advice.js';
import { Diagram } from './Diagram.js';
import { EventsPanel } from './EventForm.js';
import { inspecting, inspectorFor } from './inspector.js';
import { loadDefaultPlaybook, loadPlaybookDocument, loadPlaybookText, titleOf, type LoadedPlaybook } from './playbook.js';
import { Status } from './Status.js';
import { newIncidentId, readSaved, writeSaved } from './storage.js';
import { localTime } from './time.js';
import { Timeline } from './Timeline.js';

/**
 * Whether a saved incident runs on `playbook`: by the playbook's id, whatever its version (an
 * incident of another version is listed, and restoring it says why it cannot be). A damaged
 * entry (not an object) belongs to none.
 */
function belongsTo(stored: unknown, playbook: LoadedPlaybook): boolean {
  return typeof stored === 'object' && stored !== null && (stored as Partial<StoredIncident>).playbook?.id === playbook.definition.id;
}

/** Opens a new incident of `playbook`, stores it and makes it the current one. */
function openNew(playbook: LoadedPlaybook): string {
  const id = newIncidentId();
  const { incident } = playbook.runtime.open({ now: Date.now() });
  writeSaved((saved) => ({ ...saved, current: id, incidents: { ...saved.incidents, [id]: incident } }));
  return id;
}

/** The incident to show for `playbook`: the saved current one if it runs on it, else the latest that does, else a new one. */
function pickIncident(playbook: LoadedPlaybook): string {
  const saved = readSaved();
  const current = saved.current === null ? undefined : saved.incidents[saved.current];
  if (current && belongsTo(current, playbook)) return saved.current!;
  const latest = Object.keys(saved.incidents)
    .filter((id) => belongsTo(saved.incidents[id]!, playbook))
    .at(-1);
  if (latest) {
    writeSaved((s) => ({ ...s, current: latest }));
    return latest;
  }
  return openNew(playbook);
}

interface Start {
  readonly playbook: LoadedPlaybook;
  readonly issues: { readonly fileName: string; readonly issues: readonly Issue[] } | null;
}

function initialPlaybook(): Start {
  const saved = readSaved().playbook;
  if (saved === null) return { playbook: loadDefaultPlaybook(), issues: null };
  const result = loadPlaybookDocument(saved.document, saved.fileName);
  if (result.success) return { playbook: result.data, issues: null };
  writeSaved((s) => ({ ...s, playbook: null }));
  return { playbook: loadDefaultPlaybook(), issues: { fileName: saved.fileName, issues: result.issues } };
}

export function App() {
  const [start] = useState(initialPlaybook);
  const [playbook, setPlaybook] = useState(start.playbook);
  const [playbookIssues, setPlaybookIssues] = useState(start.issues);
  const [incidentId, setIncidentId] = useState(() => pickIncident(start.playbook));
  // The live incident, with the id it was restored for (a switch shows nothing until the next one is up).
  const [live, setLive] = useState<{ readonly id: string; readonly actor: IncidentActor<AnyStateMachine> } | null>(null);
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [saveFailed, setSaveFailed] = useState(false);
  const [, setVersion] = useState(0);

  useEffect(() => {
    const stored = readSaved().incidents[incidentId];
    const restored = playbook.runtime.safeRestore(stored, { now: Date.now(), inspect: inspectorFor(playbook.machine) });
    if (!restored.success) {
      setRestoreError(`${restored.error.code}: ${restored.error.message}`);
      setLive(null);
      return;
    }
    setRestoreError(null);
    const incident = restored.data;
    const save = () => {
      const serialized = playbook.runtime.safeSerialize(incident.getSnapshot());
      if (!serialized.success) return;
      setSaveFailed(!writeSaved((saved) => ({ ...saved, current: incidentId, incidents: { ...saved.incidents, [incidentId]: serialized.data } })));
      setVersion((version) => version + 1);
    };
    // Restoring applies the windows that ran out while the page was closed: keep that.
    save();
    const subscription = incident.subscribe({ next: save, error: () => undefined });
    setLive({ id: incidentId, actor: incident });
    return () => {
      subscription.unsubscribe();
      incident.stop();
    };
  }, [playbook, incidentId]);

  function switchPlaybook(next: LoadedPlaybook) {
    writeSaved((saved) => ({ ...saved, playbook: next.fileName === null ? null : { fileName: next.fileName, document: next.document } }));
    setLive(null);
    setPlaybook(next);
    setIncidentId(pickIncident(next));
  }

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const result = loadPlaybookText(await file.text(), file.name);
    if (!result.success) {
      setPlaybookIssues({ fileName: file.name, issues: result.issues });
      return;
    }
    setPlaybookIssues(null);
    setAnnouncement(`Loaded the playbook ${result.data.definition.title} from ${file.name}.`);
    switchPlaybook(result.data);
  }

  const saved = readSaved();
  const incidents = Object.entries(saved.incidents).filter(([, stored]) => belongsTo(stored, playbook));

  return (
    <>
      <header className="top">
        <h1>Responder console</h1>
        <p className="hint">
          Playbook: <strong data-testid="playbook-title">{playbook.definition.title}</strong> ({playbook.definition.id}@{playbook.definition.version}
          {playbook.fileName ? `, from ${playbook.fileName}` : ', the default playbook'}){inspecting ? ' · sent to the XState inspector (allow the pop-up)' : ''}
        </p>
        <div className="toolbar">
          <div>
            <label htmlFor="playbook-file">Load a JSON playbook</label>{' '}
            <input id="playbook-file" type="file" accept=".json,application/json" onChange={(event) => void loadFile(event)} />
          </div>
          {playbook.fileName !== null && (
            <button type="button" onClick={() => switchPlaybook(loadDefaultPlaybook())}>
              Use the default playbook
            </button>
          )}
          <div>
            <label htmlFor="incident-select">Incident</label>{' '}
            <select id="incident-select" value={incidentId} onChange={(event) => setIncidentId(event.target.value)}>
              {incidents.map(([id, stored]) => (
                <option key={id} value={id}>
                  {incidentLabel(playbook, stored)}
                </option>
              ))}
            </select>
          </div>
          <button type="button" onClick={() => setIncidentId(openNew(playbook))}>
            New incident
          </button>
        </div>
        {playbookIssues && <PlaybookIssues fileName={playbookIssues.fileName} issues={playbookIssues.issues} onDismiss={() => setPlaybookIssues(null)} />}
        <p role="status" className="visually-hidden">
          {announcement}
        </p>
      </header>
      {restoreError && <p role="alert">This incident cannot be restored: {restoreError}</p>}
      {saveFailed && (
        <p role="alert" data-testid="save-failed">
          This browser refused to save the incident (its storage for this page is full): what you record now is lost when the page is reloaded.
        </p>
      )}
      {live && live.id === incidentId && <IncidentView key={incidentId} playbook={playbook} actor={live.actor} onRecorded={(type) => setAnnouncement(`Recorded ${type}.`)} />}
    </>
  );
}

function incidentLabel(playbook: LoadedPlaybook, stored: StoredIncident): string {
  try {
    const context = stored.snapshot.context as IncidentContext;
    const opened = context.openedAt ?? context.timeline[0]?.at;
    const rung = currentRung(stored.snapshot as unknown as AnyMachineSnapshot);
    return `${opened ? localTime(opened) : 'New'} · ${titleOf(playbook.definition, rung)}`;
  } catch {
    // Damaged in storage: listed all the same, and choosing it says what is wrong.
    return 'An incident that cannot be read';
  }
}

function PlaybookIssues({ fileName, issues, onDismiss }: { fileName: string; issues: readonly Issue[]; onDismiss: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), [issues]);
  return (
    <div ref={box} role="alert" tabIndex={-1} className="playbook-issues" aria-labelledby="playbook-issues-heading">
      <h2 id="playbook-issues-heading">
        {fileName} is not a valid playbook: {issues.length} {issues.length === 1 ? 'issue' : 'issues'}
      </h2>
      <ul data-testid="playbook-issues">
        {issues.map((issue, index) => (
          <li key={index}>
            <code>{formatPath(issue.path)}</code>: {issue.message}
          </li>
        ))}
      </ul>
      <p className="hint">The playbook in use did not change.</p>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function IncidentView({ playbook, actor, onRecorded }: { playbook: LoadedPlaybook; actor: IncidentActor<AnyStateMachine>; onRecorded: (type: string) => void }) {
  const snapshot = useSelector(actor, (state) => state);
  const rung = currentRung(snapshot);
  return (
    <main className="layout">
      <div className="column">
        <Status playbook={playbook} snapshot={snapshot} />
        <EventsPanel playbook={playbook} actor={actor} available={availableEvents(snapshot)} onRecorded={onRecorded} />
        <Timeline playbook={playbook} snapshot={snapshot} />
      </div>
      <div className="column">
        <Advice snapshot={snapshot} />
        <Diagram machine={playbook.machine} snapshot={snapshot} rungTitle={titleOf(playbook.definition, rung)} />
      </div>
    </main>
  );
}
