import { describe, expect, it } from 'vitest';
import type { PlaybookDefinition } from 'crisis-playbook';
import { machineConfig } from '../src/compile/machineConfig.js';

// A small playbook that has each kind of part: a guarded move, a shared move a rung overrides,
// a window, a final rung, and a side track that handles an event the ladder handles too.
const tiny: PlaybookDefinition = {
  id: 'tiny',
  version: '1.0.0',
  title: 'Tiny',
  description: 'A small playbook.',
  events: { 'call.done': {}, 'note.added': {}, 'case.closed': {} },
  guards: { isCalm: { description: 'Calm.', condition: { path: 'facts.witnessed', equals: true } } },
  windows: { wait: { description: 'Wait.', duration: '1h' } },
  ladder: {
    initial: 'call',
    description: 'The ladder.',
    fromEveryRung: [{ event: 'case.closed', target: 'closed', actions: ['recordClosure'] }],
    rungs: [
      {
        id: 'call',
        title: 'Call',
        description: 'Call them.',
        advice: [],
        on: [
          { event: 'call.done', target: 'watch', guard: 'isCalm' },
          { event: 'case.closed', target: 'watch', description: 'Overrides the shared move.' },
        ],
        after: [{ window: 'wait', target: 'watch' }],
      },
      { id: 'watch', title: 'Watch', description: 'Watch.', advice: [] },
      { id: 'closed', title: 'Closed', description: 'Closed.', final: true, advice: [] },
    ],
  },
  tracks: [
    {
      id: 'notes',
      title: 'Notes',
      description: 'Notes.',
      initial: 'none',
      states: [
        { id: 'none', title: 'None', description: 'None.', advice: [], on: [{ event: 'note.added', target: 'some' }, { event: 'case.closed', actions: ['recordSupport'] }] },
        { id: 'some', title: 'Some', description: 'Some.', advice: [] },
      ],
    },
  ],
};

describe('the machine config of a definition', () => {
  it('is plain JSON, built step by step from the definition', () => {
    const config = JSON.parse(JSON.stringify(machineConfig(tiny))) as Record<string, unknown>;
    // One assign per transition: the entry, the built-in actions' effects and the deadlines.
    const timeline = (from?: string, to?: string, window?: string, more: Record<string, unknown> = {}) => ({
      type: 'appendTimeline',
      params: from === undefined ? {} : { from, to, ...(window ? { window } : {}), ...more },
    });
    expect(config).toEqual({
      id: 'tiny',
      description: 'A small playbook.',
      meta: { title: 'Tiny', playbook: { id: 'tiny', version: '1.0.0', title: 'Tiny', initial: 'call', guards: tiny.guards } },
      initial: 'active',
      states: {
        active: {
          type: 'parallel',
          description: 'The incident is open: the ladder and the side tracks run side by side.',
          meta: { title: 'Open incident' },
          states: {
            ladder: {
              description: 'The ladder.',
              meta: { title: 'Escalation ladder' },
              initial: 'call',
              states: {
                call: {
                  description: 'Call them.',
                  tags: [],
                  meta: { title: 'Call', advice: [] },
                  after: {
                    wait: [
                      { target: 'watch', guard: 'isEventValid', actions: [timeline('call', 'watch', 'wait', { leave: 'call' })] },
                      { actions: [{ type: 'clearDeadlines', params: { rung: 'call', window: 'wait' } }] },
                    ],
                  },
                  on: {
                    // The guard shows as the named guard; the rung's own case.closed overrides the shared one.
                    'call.done': [{ target: 'watch', guard: { type: 'isCalm' }, actions: [timeline('call', 'watch', undefined, { leave: 'call' })] }],
                    'case.closed': [
                      { target: 'watch', guard: 'isEventValid', actions: [timeline('call', 'watch', undefined, { leave: 'call' })], description: 'Overrides the shared move.' },
                    ],
                  },
                },
                watch: {
                  description: 'Watch.',
                  tags: [],
                  meta: { title: 'Watch', advice: [] },
                  // The built-in action is named (for the inspector and provide) and applied by the one assign.
                  on: {
                    'case.closed': [
                      { target: '#tiny.closed', guard: 'isEventValid', actions: ['recordClosure', timeline('watch', 'closed', undefined, { actions: ['recordClosure'] })] },
                    ],
                  },
                },
              },
            },
            notes: {
              description: 'Notes.',
              meta: { title: 'Notes' },
              initial: 'none',
              states: {
                // case.closed is recorded by the ladder, so the track does not record it too.
                none: {
                  description: 'None.',
                  tags: [],
                  meta: { title: 'None', advice: [] },
                  on: {
                    'note.added': [{ target: 'some', guard: 'isEventValid', actions: [timeline()] }],
                    // Another region records it: the built-in action is applied without an entry.
                    'case.closed': [{ guard: 'isEventValid', actions: ['recordSupport', { type: 'applyActions', params: { actions: ['recordSupport'] } }] }],
                  },
                },
                some: { description: 'Some.', tags: [], meta: { title: 'Some', advice: [] }, on: {} },
              },
            },
          },
        },
        closed: { type: 'final', description: 'Closed.', tags: [], meta: { title: 'Closed', advice: [] } },
      },
    });
  });

  it('shows an inline condition as the matches guard with the condition as params', () => {
    const inline = {
      ...tiny,
      ladder: { ...tiny.ladder, rungs: tiny.ladder.rungs.map((rung) => (rung.id === 'call' ? { ...rung, on: [{ event: 'call.done', target: 'watch', guard: { not: 'isCalm' } }] } : rung)) },
    };
    const config = JSON.parse(JSON.stringify(machineConfig(inline))) as { states: { active: { states: { ladder: { states: { call: { on: Record<string, { guard: unknown }[]> } } } } } } };
    expect(config.states.active.states.ladder.states.call.on['call.done']![0]!.guard).toEqual({ type: 'matches', params: { not: 'isCalm' } });
  });
});
