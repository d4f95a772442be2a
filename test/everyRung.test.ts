import { describe, expect, it } from 'vitest';
import { currentRung } from 'crisis-playbook';
import { nonFinalRungs, pathTo, startIncident } from './helpers.js';

describe.each(nonFinalRungs)('from %s', (rung) => {
  it('goes straight to the phone call when the person reaches out', () => {
    const actor = startIncident([...pathTo[rung], { type: 'contact.received', channel: 'message' }]);
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
    expect(actor.getSnapshot().context.timeline.at(-1)).toMatchObject({
      type: 'contact.received',
      from: rung,
      to: 'phoneCall',
    });
  });

  it('closes the incident with a reason, and the actor is done', () => {
    const actor = startIncident([...pathTo[rung], { type: 'incident.closed', reason: 'Died down', by: 'Ana' }]);
    const snapshot = actor.getSnapshot();
    expect(snapshot.status).toBe('done');
    expect(currentRung(snapshot)).toBe('closed');
    expect(snapshot.output).toMatchObject({ outcome: 'closed', closeReason: 'Died down' });
    expect(snapshot.context.timeline.at(-1)).toMatchObject({ type: 'incident.closed', from: rung, to: 'closed', by: 'Ana' });
  });

  it('records facts without leaving the rung', () => {
    const actor = startIncident([...pathTo[rung], { type: 'facts.update', facts: { witnessed: true } }]);
    expect(currentRung(actor.getSnapshot())).toBe(rung);
    expect(actor.getSnapshot().context.facts.witnessed).toBe(true);
  });
});

describe('a finished incident', () => {
  it('accepts nothing more', () => {
    const actor = startIncident([{ type: 'incident.closed', reason: 'Duplicate report' }]);
    const before = actor.getSnapshot();
    actor.send({ type: 'contact.received', channel: 'phone' });
    actor.send({ type: 'threat.reported', kind: 'visit' });
    expect(actor.getSnapshot()).toBe(before);
    expect(actor.getSnapshot().output?.timelineLength).toBe(1);
  });
});
