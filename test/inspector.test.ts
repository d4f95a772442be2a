import { createInspector } from '@statelyai/inspect';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { crisisMachine, defaultPlaybook } from 'crisis-playbook';
import { compilePlaybook } from 'crisis-playbook/authoring';
import { createInspectionRecorder, incidentInspectorOptions, parseInspectionRecords, replayInspection } from 'crisis-playbook/visualize';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';
import { referenceCase } from '../examples/reference-case/events.js';
import { referenceRungs } from './helpers.js';

type Sent = { type: string; definition?: string; event?: { type: string }; snapshot?: { value?: unknown; context?: unknown } };
const flush = () => new Promise((resolve) => setTimeout(resolve, 50));

interface ConfigNode {
  id?: string;
  description?: string;
  meta?: { title?: string; advice?: unknown[] };
  tags?: string[];
  states?: Record<string, ConfigNode>;
  on?: Record<string, { guard?: unknown; actions?: unknown[] }[]>;
}

function nodes(node: ConfigNode, key = 'root'): [string, ConfigNode][] {
  return [[key, node], ...Object.entries(node.states ?? {}).flatMap(([k, child]) => nodes(child, k))];
}

async function inspectReferenceCase(machine = crisisMachine) {
  const sent: Sent[] = [];
  const inspector = createInspector({ send: (event) => void sent.push(event as Sent) }, incidentInspectorOptions({ machine }));
  const actor = createActor(machine, { inspect: inspector.inspect }).start();
  for (const event of referenceCase) actor.send(event);
  await flush();
  return sent;
}

describe('what the Stately inspector receives for the reference case', () => {
  it('is a definition that names every rung and track state with its description, advice and tags', async () => {
    const sent = await inspectReferenceCase();
    const actors = sent.filter((e) => e.type === '@xstate.actor');
    expect(actors).toHaveLength(1);
    const definition = JSON.parse(actors[0]!.definition!) as ConfigNode;
    expect(definition.id).toBe('crisis');
    const all = Object.fromEntries(nodes(definition));
    for (const rung of defaultPlaybook.ladder.rungs) {
      expect(all[rung.id]?.description, rung.id).toBe(rung.description);
      expect(all[rung.id]?.meta?.title, rung.id).toBe(rung.title);
      expect(all[rung.id]?.meta?.advice, rung.id).toEqual(JSON.parse(JSON.stringify(rung.advice)));
      expect(all[rung.id]?.tags, rung.id).toEqual(rung.tags);
    }
    for (const [key, node] of nodes(definition)) {
      expect(node.description, key).toBeTruthy();
      // Rungs and track states carry the playbook's tags; the containers carry none (they cost
      // time on every snapshot and say nothing about where the incident stands).
      const leaf = Object.keys(node.states ?? {}).length === 0;
      if (leaf) expect(node.tags?.length, key).toBeGreaterThan(0);
      else expect(node.tags ?? [], key).toEqual([]);
    }
    // Nothing was cut at the serialisation depth.
    expect(actors[0]!.definition).not.toContain('[Object]');
    expect(actors[0]!.definition).not.toContain('[Array]');
  });

  it('references guards and actions by name', async () => {
    const sent = await inspectReferenceCase();
    const definition = JSON.parse(sent.find((e) => e.type === '@xstate.actor')!.definition!) as ConfigNode;
    const gathering = Object.fromEntries(nodes(definition)).gatheringInfo!;
    // A guard shows as its name, or (composed with the validity check) as an object named after it.
    const names = gathering.on!['assessment.complete']!.map((t) => (typeof t.guard === 'string' ? t.guard : (t.guard as { type?: string } | undefined)?.type));
    expect(names).toEqual(['isPosterKnown', 'arePostsOutOfSight', 'isEventValid']);
    const actions = nodes(definition).flatMap(([, node]) => Object.values(node.on ?? {}).flat().flatMap((t) => t.actions ?? []));
    expect(actions.length).toBeGreaterThan(40);
    for (const action of actions) {
      expect(typeof action === 'string' || typeof (action as { type?: unknown }).type === 'string', JSON.stringify(action)).toBe(true);
    }
    expect(JSON.stringify(definition)).not.toContain('anonymous');
  });

  it('streams the events of the case and snapshots that follow the ladder, without personal data', async () => {
    const sent = await inspectReferenceCase();
    const events = sent.filter((e) => e.type === '@xstate.event').map((e) => e.event!.type);
    expect(events.filter((type) => !type.startsWith('xstate.'))).toEqual(referenceCase.map((e) => e.type));
    const rungs = sent
      .filter((e) => e.type === '@xstate.snapshot' && !e.event!.type.startsWith('xstate.'))
      .map((e) => {
        const value = e.snapshot!.value as string | { active: { ladder: string } };
        return typeof value === 'string' ? value : value.active.ladder;
      });
    expect(rungs).toEqual(referenceRungs);
    const text = JSON.stringify(sent);
    expect(text).not.toContain('"Ana"');
    expect(text).not.toContain('"Ben"');
    expect(text).not.toContain('The group admin refused');
    expect(text).toContain('[redacted]');
  });

  it('needs the depth our helper sets: the inspector default of 10 cuts the definition', async () => {
    const sent: Sent[] = [];
    const inspector = createInspector({ send: (event) => void sent.push(event as Sent) });
    createActor(crisisMachine, { inspect: inspector.inspect }).start();
    await flush();
    expect(sent.find((e) => e.type === '@xstate.actor')!.definition).toMatch(/\[Array\]|\[Object\]/);
    expect(incidentInspectorOptions({ machine: crisisMachine }).serializationDepthLimit).toBeGreaterThan(10);
  });

  it('also renders a custom playbook fully', async () => {
    const machine = compilePlaybook(acmePlaybook);
    const sent: Sent[] = [];
    const inspector = createInspector({ send: (event) => void sent.push(event as Sent) }, incidentInspectorOptions({ machine }));
    createActor(machine, { inspect: inspector.inspect }).start();
    await flush();
    const definition = JSON.parse(sent.find((e) => e.type === '@xstate.actor')!.definition!) as ConfigNode;
    expect(Object.fromEntries(nodes(definition)).legalReview?.meta?.title).toBe('Legal review');
    expect(sent.find((e) => e.type === '@xstate.actor')!.definition).not.toContain('[Object]');
  });
});

describe('offline recording', () => {
  it('writes JSON Lines that replay into an inspector as the live stream did', async () => {
    const recorder = createInspectionRecorder();
    const live: Sent[] = [];
    const liveInspector = createInspector({ send: (event) => void live.push(event as Sent) }, incidentInspectorOptions({ machine: crisisMachine }));
    const actor = createActor(crisisMachine, {
      inspect: (event) => {
        recorder.inspect.next?.(event);
        liveInspector.inspect.next?.(event);
      },
    }).start();
    for (const event of referenceCase) actor.send(event);
    await flush();

    const jsonl = recorder.toJsonLines();
    expect(jsonl.trim().split('\n').length).toBe(recorder.records.length);
    expect(parseInspectionRecords(jsonl)).toEqual(recorder.records);

    const replayed: Sent[] = [];
    const replayInspector = createInspector({ send: (event) => void replayed.push(event as Sent) }, incidentInspectorOptions({ machine: crisisMachine }));
    expect(replayInspection(jsonl, replayInspector)).toBe(recorder.records.length);
    await flush();

    const shape = (events: Sent[]) =>
      events.map((e) => ({
        type: e.type,
        event: e.event?.type,
        value: e.type === '@xstate.snapshot' ? e.snapshot?.value : undefined,
        context: e.type === '@xstate.snapshot' ? e.snapshot?.context : undefined,
        definition: e.definition ? JSON.parse(e.definition) : undefined,
      }));
    expect(shape(replayed)).toEqual(shape(live));
  });

  it('rejects a file that is not a recording, naming the line', () => {
    expect(() => parseInspectionRecords('{"type":"@xstate.event","sessionId":"x","event":{"type":"a"}}\nnot json\n')).toThrow('Line 2 is not JSON');
    expect(() => parseInspectionRecords('{"type":"hello"}')).toThrow(/Line 1 is not an inspection record/);
  });
});
