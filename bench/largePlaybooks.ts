// Large playbooks for bench/validate.ts: many named guards, within the limits or over the
// guard-chain limit.
import { type AdviceSpec, type Condition, defaultPlaybook, type GuardSpec, type PlaybookDefinition, type RungSpec, type TransitionSpec } from 'crisis-playbook';

/**
 * A valid playbook with `count` named guards in chains of 16 (each guard of a chain refers to
 * the one before it inside `all`, `any` or `not`, with a comparison), every guard used: every
 * tenth one on a transition of `monitoring`, the others in its advice. About 13 values per
 * guard, so 10,000 guards stay within `limits.definitionNodes`.
 */
export function largePlaybook(count: number): PlaybookDefinition {
  const guards: Record<string, GuardSpec> = { ...defaultPlaybook.guards };
  for (let i = 0; i < count; i++) {
    const previous: Condition = i % 16 === 0 ? 'isPosterKnown' : `g${i - 1}`;
    const condition: Condition =
      i % 3 === 0
        ? { all: [previous, { path: 'facts.venue', equals: 'private-group' }] }
        : i % 3 === 1
          ? { any: [previous, { path: 'threats', includes: 'violence' }] }
          : { not: previous };
    guards[`g${i}`] = { description: `Guard ${i}.`, condition };
  }
  const rungs = defaultPlaybook.ladder.rungs.map((rung): RungSpec => {
    if (rung.id !== 'monitoring') return rung;
    const on: TransitionSpec[] = [...((rung as RungSpec).on ?? [])];
    const advice: AdviceSpec[] = [...rung.advice];
    for (let i = 0; i < count; i++) {
      if (i % 10 === 0) on.push({ event: 'contact.received', target: 'phoneCall', guard: `g${i}` });
      else advice.push({ title: `Advice ${i}`, detail: 'When the guard holds.', priority: 50, when: `g${i}` });
    }
    return { ...rung, on, advice };
  });
  return { ...defaultPlaybook, id: `large-${count}`, guards, ladder: { ...defaultPlaybook.ladder, rungs } };
}

/** The tester's playbook: guard i refers to guard i - 1, one chain `count` guards long. */
export function guardChain(count: number): PlaybookDefinition {
  const guards: Record<string, GuardSpec> = { ...defaultPlaybook.guards };
  for (let i = 0; i < count; i++) {
    guards[`c${i}`] = { description: 'A link.', condition: i === 0 ? { path: 'facts.venue', equals: 'private-group' } : { not: `c${i - 1}` } };
  }
  return { ...defaultPlaybook, guards };
}
