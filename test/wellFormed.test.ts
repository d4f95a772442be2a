import { describe, expect, it } from 'vitest';
import { eventReadsIn, guardNamesIn } from '../src/definition/wellFormed.js';

describe('the walks over a condition (guardNamesIn, eventReadsIn)', () => {
  const condition = {
    all: ['first', { path: 'event.kind', op: 'eq', value: 'x' }, { any: ['second', { not: { path: 'event' } }] }, 'Not a name', 7],
    any: [{ path: 'facts.reach', op: 'gt', value: 1 }, 'third', { all: 'not a list', path: 'event.by' }],
    not: { all: [null, 'fourth', { path: 'eventually' }] },
    path: 'event.note',
  };

  it('finds the well-formed guard names, in document order, whatever the shape of the rest', () => {
    expect(guardNamesIn(condition)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(guardNamesIn('alone')).toEqual(['alone']);
    expect(guardNamesIn({ not: 'negated' })).toEqual(['negated']);
    expect(guardNamesIn(null)).toEqual([]);
  });

  it('finds the comparisons that read the event, in document order, each with its place', () => {
    expect(eventReadsIn(condition)).toEqual([
      { at: ['path'], path: 'event.note' },
      { at: ['all', 1, 'path'], path: 'event.kind' },
      { at: ['all', 2, 'any', 1, 'not', 'path'], path: 'event' },
      { at: ['any', 2, 'path'], path: 'event.by' },
    ]);
    expect(eventReadsIn('event')).toEqual([]);
  });
});
