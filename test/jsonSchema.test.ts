import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { currentRung, defaultPlaybook, type PlaybookDefinition } from 'crisis-playbook';
import { compilePlaybook, playbookDefinitionSchema, playbookJsonSchema, safeParsePlaybook } from 'crisis-playbook/authoring';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(playbookJsonSchema());

const documents: [string, unknown][] = [
  ['the default playbook', JSON.parse(JSON.stringify(defaultPlaybook))],
  ['examples/custom-rung', JSON.parse(JSON.stringify(acmePlaybook))],
  ['examples/json-playbook/playbook.json', read('../examples/json-playbook/playbook.json')],
];

describe('the JSON Schema of a playbook', () => {
  it('is checked in at schema/playbook.schema.json and up to date (npm run schema)', () => {
    expect(read('../schema/playbook.schema.json')).toEqual(playbookJsonSchema());
  });

  it.each(documents)('accepts %s, which also round-trips, validates and compiles', (_, document) => {
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(playbookDefinitionSchema.safeParse(document).success).toBe(true);
    expect(safeParsePlaybook(document).success).toBe(true);
    const actor = createActor(compilePlaybook(document as PlaybookDefinition)).start();
    expect(currentRung(actor.getSnapshot())).toBe('gatheringInfo');
  });

  it.each([
    ['a missing ladder', (d: Record<string, unknown>) => ({ ...d, ladder: undefined })],
    ['an unknown top-level key', (d: Record<string, unknown>) => ({ ...d, colour: 'red' })],
    [
      'a condition that is not in the language',
      (d: Record<string, unknown>) => ({ ...d, guards: { isOdd: { description: 'Odd.', condition: { path: 'facts.venue', matches: 'x' } } } }),
    ],
    ['an event type that is not dot-namespaced', (d: Record<string, unknown>) => ({ ...d, events: { Ping: {} } })],
    ['a payload field of an unknown type', (d: Record<string, unknown>) => ({ ...d, events: { 'a.b': { payload: { x: { type: 'date' } } } } })],
  ])('rejects %s, as the zod schema does', (_, edit) => {
    const document = JSON.parse(JSON.stringify(edit(JSON.parse(JSON.stringify(defaultPlaybook)))));
    expect(validate(document)).toBe(false);
    expect(playbookDefinitionSchema.safeParse(document).success).toBe(false);
  });

  it('accepts a conditions-as-data guard with all, any, not, equals, in and includes', () => {
    const document = JSON.parse(JSON.stringify(defaultPlaybook));
    document.guards.isDelicate = {
      description: 'A delicate case.',
      condition: {
        all: [
          { any: [{ path: 'facts.venue', in: ['private-group', 'unknown'] }, 'isPosterKnown'] },
          { not: { path: 'threats', includes: 'violence' } },
          { path: 'facts.insiderInVenue', equals: true },
        ],
      },
    };
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(safeParsePlaybook(document).success).toBe(true);
  });
});
