// Where the incident stands: the rung, the side tracks, the severity, the waiting windows and
// the reminders, with live countdowns.
import type { AnyMachineSnapshot } from 'xstate';
import { currentReminders, currentRung, currentSeverity, currentTracks, type IncidentContext, type IncidentOutput } from 'crisis-playbook';
import { titleOf, type LoadedPlaybook } from './playbook.js';
import { duration, localTime, remaining, useNow } from './time.js';

export function Status({ playbook, snapshot }: { playbook: LoadedPlaybook; snapshot: AnyMachineSnapshot }) {
  const { definition } = playbook;
  const rung = currentRung(snapshot);
  const tracks = currentTracks(snapshot);
  const severity = currentSeverity(snapshot);
  const output = snapshot.output as IncidentOutput | undefined;
  return (
    <section aria-labelledby="status-heading" className="panel status">
      <h2 id="status-heading">Where it stands</h2>
      <dl>
        <dt>Rung</dt>
        <dd data-testid="rung" data-rung={rung}>
          {titleOf(definition, rung)}
          {snapshot.status === 'done' ? ' (finished)' : ''}
        </dd>
        {definition.tracks.filter((track) => tracks[track.id] !== undefined).map((track) => (
          <div key={track.id} className="pair">
            <dt>{track.title}</dt>
            <dd data-testid={`track-${track.id}`} data-state={tracks[track.id]}>
              {titleOf(definition, tracks[track.id]!)}
            </dd>
          </div>
        ))}
        {severity && (
          <div className="pair">
            <dt>Severity</dt>
            <dd data-testid="severity" data-level={severity.level} className={`severity severity-${severity.rank}`}>
              {severity.title}
              {severity.respondWithin !== undefined && <span className="hint"> (respond within {duration(severity.respondWithin, true)})</span>}
            </dd>
          </div>
        )}
      </dl>
      {severity && severity.because.length > 0 && (
        <details>
          <summary>Why this severity</summary>
          <ul>
            {severity.because.map((reason, index) => (
              <li key={index}>{reason.text}</li>
            ))}
          </ul>
        </details>
      )}
      {output && (
        <p data-testid="outcome">
          Outcome: <strong>{titleOf(definition, output.outcome)}</strong>
          {output.apology ? ', after an apology' : ''}
          {output.closeReason ? ` (${output.closeReason})` : ''}.
        </p>
      )}
      <Windows playbook={playbook} snapshot={snapshot} />
      <Reminders snapshot={snapshot} />
    </section>
  );
}

/** The waiting windows running now, with what is left of each. */
function Windows({ playbook, snapshot }: { playbook: LoadedPlaybook; snapshot: AnyMachineSnapshot }) {
  const now = useNow();
  const deadlines = (snapshot.context as IncidentContext).deadlines;
  return (
    <>
      <h3>Waiting windows</h3>
      {deadlines.length === 0 ? (
        <p className="hint">No window is running.</p>
      ) : (
        <ul className="windows">
          {deadlines.map((deadline) => (
            <li key={`${deadline.window}-${deadline.due}`} data-testid="window" data-window={deadline.window} data-due={deadline.due}>
              <strong>{deadline.window}</strong> on {titleOf(playbook.definition, deadline.rung)}: runs out {localTime(deadline.due)},{' '}
              <span className="countdown" data-testid="window-left">
                {remaining(deadline.due, now)}
              </span>
              {playbook.definition.windows[deadline.window] && <div className="hint">{playbook.definition.windows[deadline.window]!.description}</div>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * Reminders of the severity's response-time targets (`currentReminders`): the ones still to
 * come with their countdown, and the ones that fell due while nobody has responded, flagged.
 */
function Reminders({ snapshot }: { snapshot: AnyMachineSnapshot }) {
  const now = useNow();
  const severity = currentSeverity(snapshot);
  const { pending, overdue } = snapshot.status === 'active' ? currentReminders(snapshot) : { pending: [], overdue: [] };
  const levelTitle = (level: string) => (severity?.level === level ? severity.title : level);
  const text = (reminder: { reminder: string; severity: string }) =>
    reminder.reminder === 'first-response' ? `First response (${levelTitle(reminder.severity)} severity)` : `${reminder.reminder} (${levelTitle(reminder.severity)} severity)`;
  const reminders = [
    ...overdue.map((reminder) => ({ ...reminder, overdue: true })),
    ...pending.map((reminder) => ({ ...reminder, overdue: false })),
  ];
  return (
    <>
      <h3>Reminders</h3>
      {reminders.length === 0 ? (
        <p className="hint">No reminder is pending.</p>
      ) : (
        <ul className="reminders">
          {reminders.map((reminder) => (
            <li key={`${reminder.reminder}-${reminder.severity}`} data-testid="reminder" data-due={reminder.due} data-overdue={reminder.overdue}>
              {text(reminder)}: due {localTime(reminder.due)},{' '}
              {reminder.overdue ? <strong className="overdue">overdue by {duration(now - Date.parse(reminder.due))}</strong> : <span className="countdown">{remaining(reminder.due, now)}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
