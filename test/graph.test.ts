import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode, type EventObject } from 'xstate';
import { defaultPlaybook, type PayloadField, type PlaybookDefinition } from 'crisis-playbook';
import { compilePlaybook } from 'crisis-playbook/authoring';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';

const factSamples = [
  {},
  { witnessed: false, knowsPoster: false, connectedToPoster: false, venue: 'private-group', memberOfVenue: false, insiderInVenue: true },
  { witnessed: true, knowsPoster: true, connectedToPoster: true, venue: 'public-group', memberOfVenue: true, insiderInVenue: false },
  { knowsPoster: true, venue: 'personal-feed' },
];

function fieldSamples(field: PayloadField): unknown[] {
  const required = (() => {
    switch (field.type) {
      case 'string':
        return ['x'];
      case 'boolean':
        return [true, false];
      case 'enum':
        return [...field.values];
      case 'facts':
        return factSamples;
    }
  })();
  return field.optional ? [undefined, ...required] : required;
}

/** Sample events for every event type of a definition: each payload field takes each sample value. */
function sampleEvents(definition: PlaybookDefinition): EventObject[] {
  return Object.entries(definition.events).flatMap(([type, spec]) =>
    Object.entries(spec.payload ?? {}).reduce<Record<string, unknown>[]>(
      (events, [name, field]) =>
        events.flatMap((event) => fieldSamples(field).map((value) => (value === undefined ? event : { ...event, [name]: value }))),
      [{ type }],
    ) as EventObject[],
  );
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(allNodes)];
}

function leafIds(value: unknown, prefix: string): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => leafIds(child, `${prefix}.${key}`));
}

/** Walks every (state, facts) combination reachable with the sample events and the timeouts. */
function walk(machine: AnyStateMachine, definition: PlaybookDefinition) {
  const events = [
    ...sampleEvents(definition),
    ...allNodes(machine.root).flatMap((node) => node.after.map((t) => ({ type: t.eventType }))),
  ];
  const key = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context.facts]);
  const [start] = initialTransition(machine);
  const seen = new Map<string, AnyMachineSnapshot>([[key(start), start]]);
  const edges = new Map<string, Set<string>>();
  const queue = [start];
  for (let snapshot = queue.shift(); snapshot; snapshot = queue.shift()) {
    const from = key(snapshot);
    edges.set(from, new Set());
    if (snapshot.status === 'done') continue;
    for (const event of events) {
      const [next] = transition(machine, snapshot, event);
      const to = key(next);
      edges.get(from)!.add(to);
      if (!seen.has(to)) {
        seen.set(to, next);
        queue.push(next);
      }
    }
  }
  return { seen, edges };
}

const jsonPlaybook = JSON.parse(
  readFileSync(new URL('../examples/json-playbook/playbook.json', import.meta.url), 'utf8'),
) as PlaybookDefinition;

describe.each([
  ['the default playbook', defaultPlaybook as PlaybookDefinition],
  ['examples/custom-rung', acmePlaybook as PlaybookDefinition],
  ['examples/json-playbook', jsonPlaybook],
])('the compiled machine of %s', (_, definition) => {
  const machine = compilePlaybook(definition);
  const { seen, edges } = walk(machine, definition);

  it('reaches every state', () => {
    const leaves = allNodes(machine.root)
      .filter((node) => Object.keys(node.states).length === 0)
      .map((node) => node.id)
      .sort();
    const visited = new Set([...seen.values()].flatMap((s) => leafIds(s.value, machine.id)));
    expect([...visited].sort()).toEqual(leaves);
  });

  it('can reach a final state from every state it reaches', () => {
    const reverse = new Map<string, string[]>();
    for (const [from, targets] of edges) for (const to of targets) reverse.set(to, [...(reverse.get(to) ?? []), from]);
    const done = [...seen].filter(([, s]) => s.status === 'done').map(([k]) => k);
    expect(done.length).toBeGreaterThan(0);
    const canFinish = new Set(done);
    const queue = [...done];
    for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
      for (const from of reverse.get(k) ?? []) {
        if (!canFinish.has(from)) {
          canFinish.add(from);
          queue.push(from);
        }
      }
    }
    const stuck = [...seen.keys()].filter((k) => !canFinish.has(k));
    expect(stuck).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
  });
});
