import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { crisisMachine, defaultPlaybook, type PlaybookDefinition } from 'crisis-playbook';
import { compilePlaybook } from 'crisis-playbook/authoring';
import { toMermaid } from 'crisis-playbook/visualize';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';
import { diagramFiles, withDiagram } from '../scripts/write-diagrams.js';

let parse: (text: string) => Promise<unknown>;

beforeAll(async () => {
  // mermaid.parse needs a DOM in Node.
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  const { default: mermaid } = await import('mermaid');
  parse = (text) => mermaid.parse(text);
}, 60_000);

const jsonPlaybook = JSON.parse(readFileSync(new URL('../examples/json-playbook/playbook.json', import.meta.url), 'utf8')) as PlaybookDefinition;

describe('toMermaid', () => {
  it('draws the rungs, labelled transitions, windows, final rungs and side tracks as regions', () => {
    const diagram = toMermaid(defaultPlaybook);
    expect(diagram.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const rung of defaultPlaybook.ladder.rungs) expect(diagram).toContain(`state "${rung.title}" as ${rung.id}`);
    expect(diagram).toContain('gatheringInfo --> requestingAccess : assessment.complete [arePostsOutOfSight]');
    expect(diagram).toContain('directMessage --> intermediary : after replyWindow [hasInsiderInVenue]');
    expect(diagram).toContain('monitoring --> phoneCall : contact.received');
    expect(diagram).toContain('resolved --> [*]');
    expect(diagram).toContain('closed --> [*]');
    expect(diagram.match(/^ {4}--$/gm)).toHaveLength(2);
    expect(diagram).toContain('safety_none --> safety_threatened : threat.reported');
  });

  it('writes inline conditions out and accepts a compiled machine', () => {
    const diagram = toMermaid(compilePlaybook(acmePlaybook));
    expect(diagram).toContain('holdingStatement --> directMessage : statement.published');
    expect(diagram).toContain('legalReview --> monitoring : after legalWindow');
    expect(toMermaid(jsonPlaybook)).toContain('[isCallable]');
  });

  it('highlights the current rung and track states of a snapshot', () => {
    const actor = createActor(crisisMachine).start();
    actor.send({ type: 'assessment.complete' });
    actor.send({ type: 'threat.reported', kind: 'visit' });
    const diagram = toMermaid(crisisMachine, { snapshot: actor.getSnapshot() });
    expect(diagram).toContain('class directMessage,community_quiet,safety_threatened current');
  });

  it.each([
    ['the default playbook', () => toMermaid(defaultPlaybook)],
    ['the default playbook with a snapshot', () => {
      const actor = createActor(crisisMachine).start();
      actor.send({ type: 'community.supported' });
      return toMermaid(crisisMachine, { snapshot: actor.getSnapshot() });
    }],
    ['examples/custom-rung', () => toMermaid(acmePlaybook)],
    ['examples/json-playbook', () => toMermaid(jsonPlaybook, { fromEveryRung: false })],
  ])('produces a diagram the real mermaid parser accepts: %s', async (_, diagram) => {
    await expect(parse(diagram())).resolves.toMatchObject({ diagramType: 'stateDiagram' });
  });

  it('is checked against a parser that does reject broken diagrams', async () => {
    await expect(parse('stateDiagram-v2\n  a --> : {')).rejects.toThrow();
  });

  it.each(diagramFiles)('is embedded up to date in %s (npm run diagrams)', (file) => {
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    expect(text).toContain(toMermaid(defaultPlaybook));
    expect(withDiagram(text)).toBe(text);
  });

  it('keeps control characters from a playbook out of the diagram', async () => {
    const hostile = { ...defaultPlaybook, title: 'Evil\u001b[2J\u009b31m\ntitle', ladder: { ...defaultPlaybook.ladder, rungs: defaultPlaybook.ladder.rungs.map((r) => ({ ...r, title: `${r.title}\u0007` })) } };
    const diagram = toMermaid(hostile as PlaybookDefinition);
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    expect(diagram.split('\n').join('')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    await expect(parse(diagram)).resolves.toMatchObject({ diagramType: 'stateDiagram' });
  });
});
