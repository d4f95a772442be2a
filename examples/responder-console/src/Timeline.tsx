// The timeline, newest first, with local times.
import type { AnyMachineSnapshot } from 'xstate';
import type { IncidentContext } from 'crisis-playbook';
import { titleOf, type LoadedPlaybook } from './playbook.js';
import { localTime } from './time.js';

export function Timeline({ playbook, snapshot }: { playbook: LoadedPlaybook; snapshot: AnyMachineSnapshot }) {
  const timeline = (snapshot.context as IncidentContext).timeline;
  const entries = timeline.map((entry, index) => ({ entry, index })).reverse();
  return (
    <section aria-labelledby="timeline-heading" className="panel timeline">
      <h2 id="timeline-heading">Timeline</h2>
      {entries.length === 0 ? (
        <p className="hint">Nothing recorded yet.</p>
      ) : (
        <ol reversed aria-label="Timeline, newest first" data-testid="timeline">
          {entries.map(({ entry, index }) => (
            <li key={index}>
              <time dateTime={entry.occurredAt ?? entry.at}>{localTime(entry.occurredAt ?? entry.at)}</time> <code>{entry.type}</code>
              {entry.window && <> ({entry.window} ran out{entry.followUp ? `, follow-up ${entry.followUp}` : ''})</>}
              {entry.from !== entry.to && (
                <>
                  {' '}
                  {titleOf(playbook.definition, entry.from)} → {titleOf(playbook.definition, entry.to)}
                </>
              )}
              {entry.by && <> · by {entry.by}</>}
              {entry.note && <div className="hint">{entry.note}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
