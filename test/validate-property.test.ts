import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPlaybook, formatIssues, type Issue, type PlaybookDefinition, type RungSpec } from 'crisis-playbook';
import { extendPlaybook, safeCompilePlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';

const jsonPlaybook = JSON.parse(readFileSync(new URL('../examples/json-playbook/playbook.json', import.meta.url), 'utf8')) as PlaybookDefinition;

const runs = Number(process.env.PROPERTY_RUNS ?? 1_000);

/** A safe form's result: success, or a non-empty list of issues with string codes and array paths. */
function expectWellFormed(result: { success: boolean; error?: { issues: readonly unknown[] } }): void {
  if (result.success) return;
  const issues = result.error!.issues;
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues as { code: unknown; path: unknown; message: unknown }[]) {
    expect(typeof issue.code).toBe('string');
    expect(Array.isArray(issue.path)).toBe(true);
    for (const key of issue.path as unknown[]) expect(['string', 'number']).toContain(typeof key);
    expect(typeof issue.message).toBe('string');
  }
  expect(typeof formatIssues(issues as never)).toBe('string');
}

/** safeParsePlaybook, safeCompilePlaybook and safeBuild never throw, and answer alike. */
function checkEverySafeForm(document: unknown): void {
  const validated = safeParsePlaybook(document);
  const compiled = safeCompilePlaybook(document as PlaybookDefinition);
  const built = extendPlaybook(document as PlaybookDefinition).safeBuild();
  for (const result of [validated, compiled, built]) expectWellFormed(result);
  expect(compiled.success).toBe(validated.success);
  expect(built.success).toBe(validated.success);
}

/** Any JS value fast-check can make: BigInts, Maps, Sets, Dates, typed and sparse arrays, null prototypes... */
const anyValue = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

/** What a mutation puts in a playbook: plain values, and values no JSON holds. */
type Kind =
  | 'replace'
  | 'delete'
  | 'addKey'
  | 'deepNot'
  | 'deepArray'
  | 'cycle'
  | 'throwingGetter'
  | 'throwingProxy'
  | 'revokedProxy'
  | 'function'
  | 'bigint'
  | 'hugeArray'
  | 'hugeString';

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<Kind>(
    'replace',
    'delete',
    'addKey',
    'deepNot',
    'deepArray',
    'cycle',
    'throwingGetter',
    'throwingProxy',
    'revokedProxy',
    'function',
    'bigint',
    'hugeArray',
    'hugeString',
  ),
  value: anyValue,
  depth: fc.integer({ min: 1, max: 3000 }),
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('not', 'all', 'any', 'guard', 'condition', '__proto__', 'constructor')),
});

type Mutation = { at: number; kind: Kind; value: unknown; depth: number; key: string };

/** A deep copy of plain objects and arrays; anything else (a zod schema) as it is. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)]));
  }
  return value;
}

/** Every object or array of a document with the key of each of its children, in document order. */
function slots(document: object): [Record<string | number, unknown>, string | number][] {
  const found: [Record<string | number, unknown>, string | number][] = [];
  const stack: object[] = [document];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const node = stack.pop()! as Record<string | number, unknown>;
    if (seen.has(node)) continue;
    seen.add(node);
    // An earlier mutation may have left a getter or a Proxy that throws: skip what cannot be read.
    try {
      for (const key of Object.keys(node)) {
        found.push([node, Array.isArray(node) ? Number(key) : key]);
        try {
          const child = node[key];
          if (child !== null && typeof child === 'object') stack.push(child);
        } catch {
          // a throwing getter: its slot can still be mutated
        }
      }
    } catch {
      // a Proxy whose keys cannot be listed
    }
  }
  return found;
}

/** Applies mutations to a fresh copy of `base`, at slots picked by index. */
function mutate(base: PlaybookDefinition, mutations: readonly Mutation[]): unknown {
  // A copy that keeps the zod schemas of events (examples/custom-rung has some), unlike JSON.
  const document = copy(base) as Record<string, unknown>;
  for (const { at, kind, value, depth, key } of mutations) {
    const all = slots(document);
    if (all.length === 0) break;
    const [parent, slot] = all[at % all.length]!;
    try {
      change(document, all, parent, slot, { at, kind, value, depth, key });
    } catch {
      // The slot sits in a value an earlier mutation made unreadable or frozen: leave it.
    }
  }
  return document;
}

function change(
  document: Record<string, unknown>,
  all: readonly [Record<string | number, unknown>, string | number][],
  parent: Record<string | number, unknown>,
  slot: string | number,
  { at, kind, value, depth, key }: Mutation,
): void {
  {
    switch (kind) {
      case 'replace':
        parent[slot] = value;
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(slot), 1);
        else Reflect.deleteProperty(parent, slot);
        break;
      case 'addKey': {
        const target = parent[slot];
        if (target !== null && typeof target === 'object') Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
        else parent[slot] = { [key]: value };
        break;
      }
      case 'deepNot': {
        let condition: unknown = parent[slot];
        for (let level = 0; level < depth; level++) condition = level % 3 === 2 ? { all: [condition, 'isPosterKnown'] } : { not: condition };
        parent[slot] = condition;
        break;
      }
      case 'deepArray': {
        let nested: unknown = parent[slot];
        for (let level = 0; level < 60 + depth; level++) nested = [nested];
        parent[slot] = nested;
        break;
      }
      case 'cycle':
        parent[slot] = all[(at >> 3) % all.length]![0] === parent ? parent : document;
        break;
      case 'throwingGetter':
        Object.defineProperty(parent, slot, {
          get() {
            throw new Error('getter');
          },
          enumerable: true,
          configurable: true,
        });
        break;
      case 'throwingProxy': {
        const target = parent[slot];
        const trap = ['get', 'ownKeys', 'has', 'getPrototypeOf', 'getOwnPropertyDescriptor'][depth % 5]!;
        parent[slot] = new Proxy(target !== null && typeof target === 'object' ? target : {}, {
          [trap]: () => {
            throw new Error(`trap ${trap}`);
          },
        });
        break;
      }
      case 'revokedProxy': {
        const revocable = Proxy.revocable({}, {});
        revocable.revoke();
        parent[slot] = revocable.proxy;
        break;
      }
      case 'function':
        parent[slot] = Object.assign(() => value, { id: 'fn' });
        break;
      case 'bigint':
        parent[slot] = BigInt(depth) ** 40n;
        break;
      case 'hugeArray':
        parent[slot] = new Array(depth * 1_000_000);
        break;
      case 'hugeString':
        parent[slot] = 'x'.repeat(depth * 1000);
        break;
    }
  }
}


describe('safeParsePlaybook, safeCompilePlaybook and safeBuild', () => {
  it('never throw on random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), checkEverySafeForm), { numRuns: runs });
  }, 60_000);

  it('never throw on random JS values', () => {
    fc.assert(fc.property(anyValue, checkEverySafeForm), { numRuns: runs });
  }, 60_000);

  it('never throw on valid playbooks mutated anywhere, with values no JSON holds', () => {
    const bases: PlaybookDefinition[] = [defaultPlaybook, jsonPlaybook, acmePlaybook];
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, mutations) => {
        checkEverySafeForm(mutate(bases[base]!, mutations));
      }),
      { numRuns: runs },
    );
  }, 300_000);

  it('never throw when builder operations are given such values', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), anyValue, (mutations, other) => {
        const broken = mutate(defaultPlaybook, mutations) as PlaybookDefinition;
        // The mutations may have left getters or Proxies that throw: what they hide is `other`.
        const read = (get: () => unknown) => {
          try {
            return get();
          } catch {
            return other;
          }
        };
        const rung = read(() => (broken.ladder as { rungs?: unknown } | undefined)?.rungs);
        const result = extendPlaybook(defaultPlaybook)
          .addGuards(read(() => broken.guards) as never)
          .addRung(read(() => (Array.isArray(rung) ? rung[0] : other)) as RungSpec)
          .addEvents(other as never)
          .setWindow('replyWindow', other as never)
          .safeBuild();
        expectWellFormed(result);
        expect(result.success).toBe(false);
      }),
      { numRuns: Math.ceil(runs / 4) },
    );
  }, 300_000);

  it('accept the valid playbooks they are mutated from', () => {
    for (const playbook of [defaultPlaybook, jsonPlaybook, acmePlaybook] as PlaybookDefinition[]) {
      expect(safeParsePlaybook(JSON.parse(JSON.stringify(playbook))).success).toBe(true);
      expect(safeCompilePlaybook(playbook).success).toBe(true);
      expect(extendPlaybook(playbook).safeBuild().success).toBe(true);
    }
  });
});

/** A mistake made in one place of a valid playbook, and the issue it must give wherever else the playbook is broken. */
type Mistake =
  | 'unknownTarget'
  | 'unknownEvent'
  | 'unknownGuard'
  | 'unknownAction'
  | 'textNotText'
  | 'unknownWindow'
  | 'invalidDuration'
  | 'adviceNotList'
  | 'extraKey'
  | 'emptyTitle'
  | 'island';

type Path = (string | number)[];
type Json = Record<string | number, unknown>;

/** Where each kind of mistake can be made in a document: its transitions, `after` moves, windows and rungs. */
function placesIn(document: Json) {
  const ladder = document.ladder as { fromEveryRung?: unknown[]; rungs: { on?: unknown[]; after?: unknown[] }[] };
  const tracks = document.tracks as { states: { on?: unknown[] }[] }[];
  const transitions: { path: Path; kind: 'rung' | 'state' }[] = [
    ...(ladder.fromEveryRung ?? []).map((_, at) => ({ path: ['ladder', 'fromEveryRung', at], kind: 'rung' as const })),
    ...ladder.rungs.flatMap((rung, index) => (rung.on ?? []).map((_, at) => ({ path: ['ladder', 'rungs', index, 'on', at], kind: 'rung' as const }))),
    ...tracks.flatMap((track, index) =>
      track.states.flatMap((state, s) => (state.on ?? []).map((_, at) => ({ path: ['tracks', index, 'states', s, 'on', at], kind: 'state' as const }))),
    ),
  ];
  const afters: Path[] = ladder.rungs.flatMap((rung, index) => (rung.after ?? []).map((_, at) => ['ladder', 'rungs', index, 'after', at]));
  const windows = Object.keys(document.windows as Json);
  const rungs: Path[] = ladder.rungs.map((_, index) => ['ladder', 'rungs', index]);
  return { transitions, afters, windows, rungs };
}

function at(document: Json, path: Path): Json {
  return path.reduce<Json>((value, key) => value[key] as Json, document);
}

/**
 * Makes a mistake in `document` (the `pick`-th place where it can be made; `n` keeps names
 * apart) and returns where, with the issue it must give.
 */
function makeMistake(document: Json, mistake: Mistake, pick: number, n: number): { place: string; expected: Issue } {
  const places = placesIn(document);
  const choose = <T>(list: readonly T[]) => list[pick % list.length]!;
  const expected = (code: string, path: Path) => ({ code, path, message: '' });
  switch (mistake) {
    case 'unknownTarget':
    case 'unknownEvent':
    case 'unknownGuard':
    case 'unknownAction':
    case 'textNotText': {
      const { path, kind } = choose(places.transitions);
      const transition = at(document, path);
      const field = { unknownTarget: 'target', unknownEvent: 'event', unknownGuard: 'guard', unknownAction: 'actions', textNotText: 'description' }[mistake];
      const place = `${path.join('.')}.${field}`;
      if (mistake === 'unknownTarget') {
        transition.target = `nowhere${n}`;
        return { place, expected: expected(kind === 'rung' ? 'unknown_rung' : 'unknown_state', [...path, 'target']) };
      }
      if (mistake === 'unknownEvent') {
        transition.event = `never.declared${n}`;
        return { place, expected: expected('unknown_event', [...path, 'event']) };
      }
      if (mistake === 'unknownGuard') {
        transition.guard = `isNowhere${n}`;
        return { place, expected: expected('unknown_guard', [...path, 'guard']) };
      }
      if (mistake === 'unknownAction') {
        transition.actions = [`doNothing${n}`];
        return { place, expected: expected('unknown_action', [...path, 'actions', 0]) };
      }
      transition.description = 42;
      return { place, expected: expected('invalid_type', [...path, 'description']) };
    }
    case 'unknownWindow': {
      const path = choose(places.afters);
      at(document, path).window = `noWindow${n}`;
      return { place: `${path.join('.')}.window`, expected: expected('unknown_window', [...path, 'window']) };
    }
    case 'invalidDuration': {
      const name = choose(places.windows);
      at(document, ['windows', name]).duration = '0h';
      return { place: `windows.${name}`, expected: expected('invalid_duration', ['windows', name, 'duration']) };
    }
    case 'adviceNotList':
    case 'extraKey':
    case 'emptyTitle': {
      const path = choose(places.rungs);
      const rung = at(document, path);
      if (mistake === 'adviceNotList') rung.advice = 'Be nice.';
      else if (mistake === 'extraKey') rung[`extra${n}`] = true;
      else rung.title = '';
      const issue = { adviceNotList: expected('invalid_type', [...path, 'advice']), extraKey: expected('unrecognized_keys', path), emptyTitle: expected('too_small', [...path, 'title']) }[mistake];
      return { place: `${path.join('.')}.${mistake}`, expected: issue };
    }
    case 'island': {
      const rungs = (document.ladder as { rungs: { id: string; final?: boolean }[] }).rungs;
      const final = rungs.find((rung) => rung.final)!.id;
      const event = Object.keys(document.events as Json)[0]!;
      rungs.push({ id: `island${n}`, title: 'Island', description: 'Nothing leads here.', advice: [], on: [{ event, target: final }] } as never);
      return { place: `island${n}`, expected: expected('unreachable_rung', ['ladder', 'rungs', rungs.length - 1]) };
    }
  }
}

const mistake = fc.record({
  mistake: fc.constantFrom<Mistake>(
    'unknownTarget',
    'unknownEvent',
    'unknownGuard',
    'unknownAction',
    'textNotText',
    'unknownWindow',
    'invalidDuration',
    'adviceNotList',
    'extraKey',
    'emptyTitle',
    'island',
  ),
  pick: fc.nat(),
});

describe('a valid playbook with mistakes in two independent places', () => {
  it('gets both reported in one call, whatever their layers, the same from every safe form', () => {
    const bases: PlaybookDefinition[] = [defaultPlaybook, jsonPlaybook, acmePlaybook];
    fc.assert(
      fc.property(fc.nat(bases.length - 1), mistake, mistake, (base, first, second) => {
        const document = copy(bases[base]!) as Json;
        const one = makeMistake(document, first.mistake, first.pick, 1);
        const two = makeMistake(document, second.mistake, second.pick, 2);
        fc.pre(one.place !== two.place);
        const validated = safeParsePlaybook(document);
        expect(validated.success).toBe(false);
        if (validated.success) return;
        const found = validated.error.issues.map(({ code, path }) => ({ code, path }));
        for (const { expected } of [one, two]) expect(found).toContainEqual({ code: expected.code, path: expected.path });
        const compiled = safeCompilePlaybook(document as unknown as PlaybookDefinition);
        const built = extendPlaybook(document as unknown as PlaybookDefinition).safeBuild();
        expect(compiled.success ? [] : compiled.error.issues).toEqual(validated.error.issues);
        expect(built.success ? [] : built.error.issues).toEqual(validated.error.issues);
      }),
      { numRuns: Math.min(200, runs) },
    );
  });
});
