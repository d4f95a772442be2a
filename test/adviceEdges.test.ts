import { describe, expect, it } from 'vitest';
import { createIncident, crisisMachine, defaultPlaybook, type GuardPredicate, type PlaybookDefinition, recommend, type RungSpec, type TransitionSpec } from 'crisis-playbook';
import { compilePlaybook, playbookTexts } from 'crisis-playbook/authoring';
import { aggregateSummaries, createIncidentRuntime, type StoredIncident, summarizeIncident } from 'crisis-playbook/server';
import { createSigner } from '../src/runtime/signing.js';

// Edges found in review: guards given in code, provided delays, inherited names, hostile kinds.

/** The default playbook with `message.replied` routed by a guard given only in code. */
function withCodeGuard(): PlaybookDefinition {
  const rungs = (defaultPlaybook.ladder.rungs as readonly RungSpec[]).map((rung): RungSpec => {
    if (rung.id !== 'directMessage') return rung;
    const on = (rung.on ?? []).flatMap((transition): TransitionSpec[] =>
      transition.event === 'message.replied'
        ? [{ event: 'message.replied', target: 'phoneCall', guard: 'gavePhone' }, { event: 'message.replied', target: 'intermediary' }]
        : [transition],
    );
    return { ...rung, on };
  });
  return { ...defaultPlaybook, ladder: { ...defaultPlaybook.ladder, rungs } };
}

describe('advice at the edges', () => {
  it('never throws for a guard given in code that reads the event, and lists both ways it can go', () => {
    const gavePhone: GuardPredicate = ({ event }) => (event as unknown as { phone: string }).phone.length > 0; // throws without a phone
    const machine = compilePlaybook(withCodeGuard(), { guards: { gavePhone } });
    const incident = createIncident(machine).start();
    incident.send({ type: 'assessment.complete' });
    const [message] = recommend(incident.getSnapshot());
    expect(message!.next.map((step) => step.target).sort()).toEqual(['intermediary', 'monitoring', 'phoneCall']);
    expect(message!.next.find((step) => step.target === 'phoneCall')!.if).toBe('the person answered the private message (gave phone: yes)');
    incident.stop();
    // The server's decision reads its recommendations without an error escaping.
    const runtime = createIncidentRuntime({ playbooks: [machine] });
    const opened = runtime.open({ now: 0 });
    const result = runtime.safeDecide(opened.incident, { type: 'assessment.complete' }, { now: 1 });
    expect(result.success).toBe(true);
    if (result.success) expect(() => JSON.stringify(result.data)).not.toThrow();
  });

  it('describes a window as long as a delay given through provide makes it', () => {
    const machine = crisisMachine.provide({ delays: { replyWindow: () => 60_000 } });
    const incident = createIncident(machine).start();
    incident.send({ type: 'assessment.complete' });
    expect(recommend(incident.getSnapshot())[0]!.next[0]!.if).toBe('the reply window of 1 minute runs out, or the private message got no answer');
    incident.stop();
    const unusable = createIncident(crisisMachine.provide({ delays: { replyWindow: 0 } })).start();
    unusable.send({ type: 'assessment.complete' });
    // XState falls back to the playbook's length for an unusable delay, and so does the advice.
    expect(recommend(unusable.getSnapshot())[0]!.next[0]!.if).toMatch(/^the reply window of 24 hours runs out/);
    unusable.stop();
  });

  it('fills drafts only with the values the app gave, never with inherited names', () => {
    const incident = createIncident(crisisMachine).start();
    incident.send({ type: 'assessment.complete' });
    const values = Object.create({ person: 'Inherited' }) as Record<string, string>;
    values['phone'] = '555 0100';
    const [draft] = recommend(incident.getSnapshot(), { values })[0]!.drafts;
    expect(draft!.text).toMatch(/^Hello there, .* call me on 555 0100,/);
    expect(draft!.missing).toContain('values.person');
    expect(recommend(incident.getSnapshot(), { locale: 'constructor' })[0]!.title).toBe('Message the person privately, then wait for the reply');
    incident.stop();
  });

  it('counts threat kinds and rungs with any name in summaries', () => {
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    let stored = runtime.open({ now: 0 }).incident;
    stored = runtime.decide(stored, { type: 'threat.reported', kind: 'other' }, { now: 1 }).incident;
    const summary = summarizeIncident(stored, { now: 2 });
    // A threat kind that is an Object property name still counts as data.
    const hostile = { ...summary, threats: Object.fromEntries([['constructor', 2], ['__proto__', 1]]) };
    const total = aggregateSummaries([summary, hostile]);
    expect(Object.entries(total.threats)).toEqual([['other', 1], ['constructor', 2], ['__proto__', 1]]);
  });

  it('lists the words of an event without a description among the texts to translate', () => {
    const events = { ...defaultPlaybook.events, 'message.ignored': {} };
    expect(playbookTexts({ ...defaultPlaybook, events })).toContain('message ignored');
  });

  it('refuses a signed document whose threats or deadlines are not what the library writes', () => {
    const key = 'k'.repeat(40);
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [key] } });
    const signer = createSigner({ keys: [key] });
    const opened = runtime.open({ now: Date.parse('2026-04-06T19:00:00Z') }).incident;
    for (const corrupt of [
      (doc: { snapshot: { context: Record<string, unknown> } }) => (doc.snapshot.context['threats'] = [null]),
      (doc: { snapshot: { context: Record<string, unknown> } }) => (doc.snapshot.context['deadlines'] = [{ window: 'accessWindow', rung: 'gatheringInfo', due: 'soon' }]),
    ]) {
      const { signature: _, ...unsigned } = structuredClone(opened) as typeof opened & { signature?: string };
      corrupt(unsigned as never);
      const result = runtime.safeDecide(signer.sign(unsigned as never), { type: 'facts.update', facts: { witnessed: true } }, { now: Date.parse('2026-04-06T19:01:00Z') });
      expect(result.success).toBe(false);
      if (!result.success) expect(result.error.code).toBe('invalid_document');
    }
  });

  it('refuses a signed document that claims to be finished while on an open rung, rather than answer that it is finished', () => {
    const key = 'k'.repeat(40);
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [key] } });
    const signer = createSigner({ keys: [key] });
    const { signature: _, ...unsigned } = structuredClone(runtime.open({ now: Date.parse('2026-04-06T19:00:00Z') }).incident) as StoredIncident & { signature?: string };
    const done = { ...unsigned, snapshot: { ...unsigned.snapshot, status: 'done' as const } };
    const result = runtime.safeDecide(signer.sign(done), { type: 'assessment.complete' }, { now: Date.parse('2026-04-06T19:01:00Z') });
    expect(result.success ? undefined : result.error.code).toBe('invalid_document');
  });
});
