// The playbook-size series of the benchmark: the default playbook with `n` rungs inserted before
// `phoneCall` (a chain of review rungs, each passed on `review.done`), compiled, run live and
// decided on the server, against the default playbook run the same way.
import { crisisMachine, defaultPlaybook } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime } from 'crisis-playbook/server';
import type { AnyStateMachine } from 'xstate';
import { compare, median, type Comparison, type Task } from './paired.js';
import { eventLoop, loopLength } from './live.js';
import { openedAt, serverEvents, serverNow, twentyEvents } from './scenarios.js';

/** The default playbook with `count` review rungs inserted before `phoneCall`. */
export function withInsertedRungs(count: number) {
  let builder = extendPlaybook(defaultPlaybook)
    .rename({ id: `inserted-${count}`, version: '1.0.0' })
    .addEvents({ 'review.done': {} }) as unknown as ReturnType<typeof extendPlaybook<typeof defaultPlaybook>>;
  for (let i = 0; i < count; i++) {
    builder = builder.insertRung(
      { before: 'phoneCall' },
      {
        id: `review${i}`,
        title: `Review ${i}`,
        description: 'A review before the call.',
        advice: [{ title: 'Review the case', detail: 'Read the timeline again.', priority: 50 }],
        on: [{ event: 'review.done' as never, target: 'phoneCall' }],
      },
    ) as never;
  }
  return builder.build();
}

function roundTrip(machine: AnyStateMachine): Task {
  const runtime = createIncidentRuntime({ playbooks: [machine] });
  let incident: unknown = runtime.open({ now: openedAt }).incident;
  for (const event of twentyEvents) incident = runtime.decide(incident, event, { now: event.at ?? openedAt }).incident;
  const text = JSON.stringify(incident);
  const eventTexts = serverEvents.map((event) => JSON.stringify(event));
  let round = 0;
  return {
    fn: () => JSON.stringify(runtime.decide(JSON.parse(text), JSON.parse(eventTexts[round++ % eventTexts.length]!), { now: serverNow }).incident),
  };
}

export interface PlaybookSize {
  readonly rungs: number;
  /** Median time of `compilePlaybook` on the definition. */
  readonly compileMs: number;
  /** Live events on the bigger playbook against the default one. */
  readonly live: Comparison;
  /** Server round trips on the bigger playbook against the default one. */
  readonly server: Comparison;
}

export function playbookSizeSeries(counts: readonly number[], { rounds = 5 } = {}): PlaybookSize[] {
  return counts.map((rungs) => {
    const definition = withInsertedRungs(rungs);
    const times: number[] = [];
    let machine: AnyStateMachine = crisisMachine;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      machine = compilePlaybook(definition) as AnyStateMachine;
      times.push(performance.now() - started);
    }
    return {
      rungs,
      compileMs: median(times),
      live: compare(eventLoop('library', machine), eventLoop('library', crisisMachine), { perIteration: loopLength, rounds, time: 150 }),
      server: compare(roundTrip(machine), roundTrip(crisisMachine), { rounds, time: 150 }),
    };
  });
}
