// The long fuzz campaign (`npm run fuzz`): a million events through live and server
// incidents, ten thousand mutated playbooks and a tampering matrix, with counts printed at the
// end. `--write-docs` records the figures in docs/security.md. A campaign of another size:
// `npm run fuzz -- --events 200000 --playbooks 2000 --seed 7`.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { createIncident, crisisMachine, defaultPlaybook, IncidentError, limits, safeParseEvent } from '../src/index.js';
import { safeCompilePlaybook, safeParsePlaybook } from '../src/authoring.js';
import { createIncidentRuntime, type StoredIncident } from '../src/server.js';
import { corruptions, edited } from '../test/support/corruptions.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    playbooks: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '20261126' },
    'write-docs': { type: 'boolean', default: false },
  },
});
const totalEvents = Number(values.events);
const totalPlaybooks = Number(values.playbooks);
const seed = Number(values.seed);
const HOUR = 3_600_000;
const t0 = Date.parse('2026-04-06T19:00:00Z');

const violations: string[] = [];
const violation = (what: string, detail: unknown) => {
  if (violations.length < 20) violations.push(`${what}: ${String(detail).slice(0, 300)}`);
  else if (violations.length === 20) violations.push('…');
};
const tally = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

const validEvents = [
  { type: 'facts.update', facts: { witnessed: false, knowsPoster: false, connectedToPoster: false, venue: 'private-group', memberOfVenue: false, insiderInVenue: true } },
  { type: 'assessment.complete', by: 'Ana' },
  { type: 'access.requested' },
  { type: 'access.denied', note: 'Refused.' },
  { type: 'access.granted' },
  { type: 'message.sent' },
  { type: 'message.ignored' },
  { type: 'message.replied', phone: '+44 20 7946 0000' },
  { type: 'intermediary.asked', name: 'Ben' },
  { type: 'intermediary.declined' },
  { type: 'community.supported', note: 'Members defend the shop.' },
  { type: 'threat.reported', kind: 'visit' },
  { type: 'threat.reported', kind: 'police-report' },
  { type: 'contact.received', channel: 'phone' },
  { type: 'call.completed', apology: true, agreement: false },
  { type: 'call.completed', apology: true, agreement: true },
  { type: 'incident.closed', reason: 'Calmed down' },
];
const internal = ['xstate.stop', 'xstate.init', 'xstate.error.actor.crisis', 'xstate.after.replyWindow.crisis.active.ladder.directMessage', 'xstate.done.actor.x'];
const eventArbitrary = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...validEvents) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...validEvents), fc.string(), fc.anything()).map(([event, key, value]) => ({ ...event, [key]: value })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...validEvents), fc.constantFrom('note', 'by', 'at', 'kind', 'phone', 'type'), fc.anything()).map(([event, key, value]) => ({ ...event, [key]: value })) },
  { weight: 1, arbitrary: fc.constantFrom(...internal).map((type) => ({ type })) },
  { weight: 1, arbitrary: fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }) },
);
const timeArbitrary = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 30 * HOUR }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, limits.latestTime + 1, 8.64e15, 1e300, Number.NaN, 10n, '9999-12-31T12:00:00Z', 'soon', {}) },
);

function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, offset: number): T[] {
  return fc.sample(arbitrary, { numRuns: count, seed: seed + offset });
}

function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const result = run();
  return [result, (performance.now() - started) / 1000];
}

// 1. Live incidents: every event through createIncident's safeSend.
function live(count: number) {
  const codes = new Map<string, number>();
  let accepted = 0;
  let incidents = 0;
  let stored = 0;
  const clock = new SimulatedClock();
  clock.set(t0);
  let incident = createIncident(crisisMachine, { clock }).start();
  const events = sample(eventArbitrary, count, 1);
  events.forEach((event, index) => {
    if (index % 97 === 0) clock.increment(((index * 7919) % 30) * HOUR);
    let result;
    const before = incident.getSnapshot();
    try {
      result = incident.safeSend(event);
    } catch (error) {
      return violation('live: safeSend threw', error);
    }
    if (result.success) {
      accepted++;
      if (!safeParseEvent(event).success) violation('live: accepted an invalid event', JSON.stringify(event));
    } else {
      tally(codes, result.error.code);
      if (incident.getSnapshot() !== before) violation('live: a refused event changed the incident', result.error.code);
    }
    const status = incident.getSnapshot().status;
    if (status !== 'active' && status !== 'done') violation('live: the actor left active', status);
    if (index % 50 === 0 || status === 'done') {
      try {
        const { runtime } = defaults;
        runtime.parse(JSON.stringify(runtime.serialize(incident.getSnapshot())));
        stored++;
      } catch (error) {
        violation('live: a serialized incident was refused', error);
      }
    }
    if (status === 'done' || index % 400 === 399) {
      incident.stop();
      incident = createIncident(crisisMachine, { clock }).start();
      incidents++;
    }
  });
  incident.stop();
  return { events: count, accepted, refused: count - accepted, codes, incidents, stored };
}

const defaults = {
  runtime: createIncidentRuntime({ playbooks: [crisisMachine] }),
  signed: createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: ['fuzz-campaign-key-of-at-least-32-bytes'] } }),
};

// 2. The server: safeDecide and decideDue over stored incidents, with random times.
function server(count: number) {
  const codes = new Map<string, number>();
  let accepted = 0;
  let incidents = 0;
  let documents = 0;
  const steps = sample(fc.record({ event: eventArbitrary, advance: timeArbitrary, due: fc.integer({ min: 0, max: 9 }) }), count, 2);
  let now = t0;
  let incident: StoredIncident = defaults.signed.open({ now }).incident;
  steps.forEach(({ event, advance, due }, index) => {
    const at = typeof advance === 'number' && advance >= 0 && advance <= 30 * HOUR ? Math.min(now + advance, limits.latestTime) : advance;
    let result;
    try {
      result = due === 0 ? { success: true as const, data: defaults.signed.decideDue(incident, { now: at as number }) } : defaults.signed.safeDecide(incident, event, { now: at as number });
    } catch (error) {
      if (error instanceof IncidentError) result = { success: false as const, error };
      else return violation('server: threw something else than an IncidentError', error);
    }
    if (result.success) {
      accepted++;
      incident = result.data.incident;
      if (typeof at === 'number') now = Math.max(now, at);
      try {
        defaults.signed.parse(JSON.stringify(incident));
        documents++;
      } catch (error) {
        violation('server: a produced document was refused', error);
      }
    } else tally(codes, result.error.code);
    if (incident.snapshot.status === 'done' || index % 300 === 299) {
      incident = defaults.signed.open({ now }).incident;
      incidents++;
    }
  });
  return { events: count, accepted, refused: count - accepted, codes, incidents, documents };
}

// 3. Mutated playbooks: validation and compilation never throw, and valid results run.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** The paths of a document's values, down to 80 levels (deeper ones are left as they are). */
function nodesOf(root: Json): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const stack: [Json, (string | number)[]][] = [[root, []]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, path] = next;
    paths.push(path);
    if (path.length >= 80 || value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) value.forEach((child, index) => stack.push([child, [...path, index]]));
    else for (const [key, child] of Object.entries(value)) stack.push([child, [...path, key]]);
  }
  return paths;
}
function setAt(root: Json, path: (string | number)[], replace: (old: Json) => Json | undefined): Json {
  if (path.length === 0) return replace(root) ?? null;
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key]!, root) as Record<string | number, Json> | Json[];
  const key = path.at(-1)!;
  const next = replace((parent as Record<string | number, Json>)[key]!);
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else Reflect.deleteProperty(parent, key);
  } else (parent as Record<string | number, Json>)[key] = next;
  return root;
}
function deep(depth: number): Json {
  let condition: Json = 'isPosterKnown';
  for (let i = 0; i < depth; i++) condition = { not: condition };
  return condition;
}

function playbooks(count: number) {
  const base = JSON.parse(JSON.stringify(defaultPlaybook)) as Json;
  const json = JSON.parse(readFileSync(new URL('../examples/json-playbook/playbook.json', import.meta.url), 'utf8')) as Json;
  const codes = new Map<string, number>();
  let valid = 0;
  let ran = 0;
  let slowest = 0;
  const ids = ['gatheringInfo', 'directMessage', 'phoneCall', 'closed', 'nowhere', 'active', '__proto__', 'isPosterKnown', 'replyWindow', 'updateFacts', 'message.sent', 'xstate.stop'];
  const mutations = sample(
    fc.record({
      base: fc.boolean(),
      edits: fc.array(
        fc.record({
          at: fc.nat(),
          kind: fc.constantFrom('delete', 'replace', 'id', 'deep', 'huge', 'duplicate'),
          value: fc.jsonValue({ maxDepth: 3 }),
          id: fc.constantFrom(...ids),
          depth: fc.integer({ min: 10, max: 5000 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    count,
    3,
  );
  for (const { base: useDefault, edits } of mutations) {
    let document = JSON.parse(JSON.stringify(useDefault ? base : json)) as Json;
    for (const edit of edits) {
      const nodes = nodesOf(document);
      const path = nodes[edit.at % nodes.length]!;
      document = setAt(document, path, (old) => {
        switch (edit.kind) {
          case 'delete':
            return undefined;
          case 'replace':
            return edit.value as Json;
          case 'id':
            return typeof old === 'string' ? edit.id : old;
          case 'deep':
            return deep(edit.depth);
          case 'huge':
            return 'x'.repeat(100_000);
          default:
            return Array.isArray(old) && old.length > 0 ? [...old, old[0]!] : old;
        }
      });
    }
    const [result, seconds] = timed(() => {
      try {
        const validation = safeParsePlaybook(document);
        const compiled = safeCompilePlaybook(document as never);
        if (validation.success !== compiled.success) violation('playbooks: validate and compile disagree', JSON.stringify(document).slice(0, 200));
        return compiled;
      } catch (error) {
        violation('playbooks: threw', error);
        return undefined;
      }
    });
    slowest = Math.max(slowest, seconds);
    if (!result) continue;
    if (result.success) {
      valid++;
      const incident = createIncident(result.data).start();
      for (const event of validEvents) {
        try {
          incident.safeSend(event);
        } catch (error) {
          violation('playbooks: a valid playbook threw on an event', error);
        }
      }
      incident.stop();
      ran++;
    } else for (const issue of result.error.issues) tally(codes, issue.code);
  }
  return { playbooks: count, valid, invalid: count - valid, ran, codes, slowest };
}

// 4. The tampering matrix: each corruption without a key, and with one.
function tampering() {
  const signedCopy = (base: StoredIncident) => {
    const migrating = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: ['fuzz-campaign-key-of-at-least-32-bytes'], acceptUnsigned: true } });
    const actor = migrating.restore(base, { now: t0 + 2 * HOUR });
    const stored = migrating.serialize(actor.getSnapshot());
    actor.stop();
    return stored;
  };
  let refusedUnsigned = 0;
  let refusedSigned = 0;
  for (const [name, base, edit] of corruptions) {
    const code = (runtime: typeof defaults.runtime, document: unknown) => {
      try {
        runtime.parse(document);
        return 'accepted';
      } catch (error) {
        return error instanceof IncidentError ? error.code : 'threw';
      }
    };
    if (code(defaults.runtime, edited(base, edit)) === 'invalid_document') refusedUnsigned++;
    else violation('tampering: accepted without a key', name);
    if (code(defaults.signed, edited(signedCopy(base), edit)) === 'invalid_signature') refusedSigned++;
    else violation('tampering: accepted with a key', name);
  }
  // Random single-character changes to a signed document's text.
  const text = JSON.stringify(signedCopy(corruptions[0]![1]));
  let flips = 0;
  let flipsRefused = 0;
  for (const [at, char] of sample(fc.tuple(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 1, maxLength: 1 })), 20_000, 4)) {
    if (text[at] === char) continue;
    flips++;
    try {
      defaults.signed.parse(text.slice(0, at) + char + text.slice(at + 1));
    } catch (error) {
      if (error instanceof IncidentError) flipsRefused++;
      else violation('tampering: threw something else than an IncidentError', error);
      continue;
    }
    // A change JSON ignores (whitespace between tokens) may still be accepted.
    if (!/^\s$/.test(char)) violation('tampering: an edited signed document was accepted', `${at}:${JSON.stringify(char)}`);
  }
  return { corruptions: corruptions.length, refusedUnsigned, refusedSigned, flips, flipsRefused };
}

const format = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${key} ${n.toLocaleString('en-US')}`).join(', ');
const n = (value: number) => value.toLocaleString('en-US');

const [liveResult, liveSeconds] = timed(() => live(Math.floor(totalEvents / 2)));
const [serverResult, serverSeconds] = timed(() => server(totalEvents - Math.floor(totalEvents / 2)));
const [playbookResult, playbookSeconds] = timed(() => playbooks(totalPlaybooks));
const [tamperResult, tamperSeconds] = timed(() => tampering());

const lines = [
  `Campaign of ${new Date().toISOString().slice(0, 10)}, seed ${seed}, Node ${process.version}, ${cpus().length} CPUs:`,
  '',
  '| part | cases | result | time |',
  '| --- | --- | --- | --- |',
  `| live incidents (\`createIncident\`) | ${n(liveResult.events)} events over ${n(liveResult.incidents)} incidents | ${n(liveResult.accepted)} accepted, ${n(liveResult.refused)} refused (${format(liveResult.codes)}); ${n(liveResult.stored)} snapshots stored and read back | ${liveSeconds.toFixed(0)} s |`,
  `| server (\`safeDecide\`, \`decideDue\`, signed) | ${n(serverResult.events)} events over ${n(serverResult.incidents)} incidents | ${n(serverResult.accepted)} applied, ${n(serverResult.refused)} refused (${format(serverResult.codes)}); ${n(serverResult.documents)} documents read back | ${serverSeconds.toFixed(0)} s |`,
  `| mutated playbooks | ${n(playbookResult.playbooks)} | ${n(playbookResult.valid)} valid (each run through ${validEvents.length} events), ${n(playbookResult.invalid)} refused; most frequent issues: ${format(new Map([...playbookResult.codes].sort((a, b) => b[1] - a[1]).slice(0, 8)))}; slowest check ${(playbookResult.slowest * 1000).toFixed(0)} ms | ${playbookSeconds.toFixed(0)} s |`,
  `| tampering matrix | ${tamperResult.corruptions} corruptions × (no key, key) + ${n(tamperResult.flips)} random character changes of a signed document | ${tamperResult.refusedUnsigned} refused without a key, ${tamperResult.refusedSigned} with one; ${n(tamperResult.flipsRefused)} changes refused | ${tamperSeconds.toFixed(0)} s |`,
  '',
  violations.length === 0 ? 'Violations: none (no exception escaped, no refused event changed an incident, every produced document was accepted).' : `Violations:\n${violations.map((v) => `- ${v}`).join('\n')}`,
];
console.log(lines.join('\n'));
if (values['write-docs']) {
  const path = new URL('../docs/security.md', import.meta.url);
  const doc = readFileSync(path, 'utf8');
  writeFileSync(path, doc.replace(/<!-- fuzz:start -->[\s\S]*<!-- fuzz:end -->/, `<!-- fuzz:start -->\n${lines.join('\n')}\n<!-- fuzz:end -->`));
}
process.exitCode = violations.length === 0 ? 0 : 1;
