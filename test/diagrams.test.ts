import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { crisisMachine, defaultPlaybook, type PlaybookDefinition } from 'crisis-playbook';
import { compilePlaybook, definePlaybook } from 'crisis-playbook/authoring';
import { toMermaid } from 'crisis-playbook/visualize';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';
import { diagramFiles, diagrams, pngText, sourceHash, sourceHashKey, svgImage, svgSourceHash, withDiagrams, withPngText } from '../scripts/write-diagrams.js';

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
  it('draws the rungs, labelled transitions, windows, final rungs and the side tracks below the ladder', () => {
    const diagram = toMermaid(defaultPlaybook);
    expect(diagram.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const rung of defaultPlaybook.ladder.rungs) expect(diagram).toContain(`state "${rung.title}" as ${rung.id}`);
    expect(diagram).toContain('gatheringInfo --> requestingAccess : assessment.complete [arePostsOutOfSight]');
    // The window shares its arrow with the event that leads to the same rung (was a line of its own).
    expect(diagram).toContain('directMessage --> intermediary : message.ignored [hasInsiderInVenue] /<br>after replyWindow [hasInsiderInVenue]\n');
    // contact.received is drawn once, from "Any open rung" (was drawn from every open rung).
    expect(diagram).toContain('_anyOpenRung --> phoneCall : contact.received\n');
    expect(diagram).toContain('resolved --> [*]');
    expect(diagram).toContain('closed --> [*]');
    // The side tracks are one state below the ladder (were concurrent regions beside it, `--`),
    // each track a state of its own with its title.
    expect(diagram).not.toMatch(/^ *--$/m);
    expect(diagram).toContain('    state "Side tracks" as _sideTracks {\n      direction LR\n      state "Community" as track_community {');
    expect(diagram).toContain('      state "Safety" as track_safety {');
    expect(diagram.indexOf('state "Side tracks"')).toBeGreaterThan(diagram.indexOf('closed --> [*]'));
    expect(diagram).toContain('safety_none --> safety_threatened : threat.reported');
  });

  it('draws the transitions every open rung shares once, from "Any open rung", unless told to draw them all', () => {
    const once = toMermaid(defaultPlaybook);
    expect(once).toContain('state "Any open rung" as _anyOpenRung\n');
    expect(once.match(/contact\.received/g)).toHaveLength(1);
    expect(once.match(/incident\.closed/g)).toHaveLength(1);
    expect(once).toContain('_anyOpenRung --> closed : incident.closed\n');
    expect(once).toContain('class _anyOpenRung anyOpenRung');

    const each = toMermaid(defaultPlaybook, { fromEveryRung: 'each' });
    expect(each).not.toContain('_anyOpenRung');
    expect(each).toContain('monitoring --> phoneCall : contact.received\n');
    expect(each).toContain('gatheringInfo --> phoneCall : assessment.complete [isPosterKnown] /<br>contact.received\n');
    // From each of the six open rungs to closed; phoneCall's contact.received stays on phoneCall.
    expect(each.match(/ --> closed : (.*\/<br>)?incident\.closed$/gm)).toHaveLength(6);
    expect(each.match(/ --> phoneCall : (.*\/<br>)?contact\.received$/gm)).toHaveLength(5);

    const none = toMermaid(defaultPlaybook, { fromEveryRung: 'none' });
    expect(none).not.toMatch(/contact\.received|incident\.closed|_anyOpenRung/);
    expect(() => toMermaid(defaultPlaybook, { fromEveryRung: false as unknown as 'none' })).toThrow('Expected fromEveryRung to be "once", "each" or "none", received false');
  });

  it('names the rungs that handle a shared event themselves on the shared arrow', () => {
    const playbook = definePlaybook({
      ...defaultPlaybook,
      ladder: {
        ...defaultPlaybook.ladder,
        rungs: defaultPlaybook.ladder.rungs.map((rung) => (rung.id === 'phoneCall' ? { ...rung, on: [...(rung.on ?? []), { event: 'incident.closed', target: 'monitoring' }] } : rung)),
      },
    });
    const diagram = toMermaid(playbook);
    expect(diagram).toContain('_anyOpenRung --> closed : incident.closed (not from Phone call)\n');
    expect(diagram).toContain('phoneCall --> monitoring : call.completed /<br>incident.closed\n');
  });

  it('draws one arrow for all the transitions between two states, with their triggers one per line', () => {
    for (const diagram of [toMermaid(defaultPlaybook), toMermaid(defaultPlaybook, { fromEveryRung: 'each' }), toMermaid(acmePlaybook), toMermaid(jsonPlaybook)]) {
      const pairs = [...diagram.matchAll(/^ *(\S+) --> (\S+) : /gm)].map(([, from, to]) => `${from} ${to}`);
      expect(new Set(pairs).size).toBe(pairs.length);
    }
    expect(toMermaid(defaultPlaybook)).toContain('requestingAccess --> directMessage : access.granted /<br>access.denied /<br>after accessWindow\n');
  });

  it('writes inline conditions out and accepts a compiled machine', () => {
    const diagram = toMermaid(compilePlaybook(acmePlaybook));
    expect(diagram).toContain('holdingStatement --> directMessage : statement.published');
    // The window shares its arrow with legal.silenced, which leads to the same rung (was a line of its own).
    expect(diagram).toContain('legalReview --> monitoring : legal.silenced /<br>after legalWindow\n');
    expect(diagram).toContain('_anyOpenRung --> legalReview : threat.reported [isLegalThreat]\n');
    expect(toMermaid(jsonPlaybook)).toContain('[isCallable]');
    // `not` around `all` keeps its brackets: not (a and b), not (not a) and b.
    const notBoth = structuredClone(defaultPlaybook) as unknown as { ladder: { fromEveryRung: { event: string; target: string; guard?: unknown }[] } };
    notBoth.ladder.fromEveryRung[0]!.guard = { not: { all: ['hasThreats', 'hasSupporters'] } };
    expect(toMermaid(definePlaybook(notBoth as never))).toContain(`${notBoth.ladder.fromEveryRung[0]!.event} [not (hasThreats and hasSupporters)]`);
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
    ['examples/json-playbook', () => toMermaid(jsonPlaybook)],
    ['examples/json-playbook, shared transitions left out', () => toMermaid(jsonPlaybook, { fromEveryRung: 'none' })],
    ['the default playbook, shared transitions from each rung', () => toMermaid(defaultPlaybook, { fromEveryRung: 'each' })],
    ['examples/custom-rung, highlighted', () => {
      const machine = compilePlaybook(acmePlaybook);
      const actor = createActor(machine).start();
      const snapshot = actor.getSnapshot();
      actor.stop();
      return toMermaid(machine, { snapshot });
    }],
  ])('produces a diagram the real mermaid parser accepts: %s', async (_, diagram) => {
    await expect(parse(diagram())).resolves.toMatchObject({ diagramType: 'stateDiagram' });
  });

  it('is checked against a parser that does reject broken diagrams', async () => {
    await expect(parse('stateDiagram-v2\n  a --> : {')).rejects.toThrow();
  });

  it.each(diagramFiles)('is embedded up to date in %s (npm run diagrams)', (file) => {
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    expect(text).toContain(toMermaid(defaultPlaybook));
    expect(withDiagrams(text, file)).toBe(text);
    // The picture is shown above the text.
    expect(text).toMatch(/!\[The default playbook: [^\]]+\]\((https:\/\/raw\.githubusercontent\.com\/crisis-playbook\/crisis-playbook\/main\/docs\/)?images\/default-playbook\.png\)/);
  });

  it('shows a highlighted incident in docs/inspector-and-diagrams.md', () => {
    const text = readFileSync(new URL('../docs/inspector-and-diagrams.md', import.meta.url), 'utf8');
    expect(text).toContain('](images/default-playbook-highlighted.png)');
    expect(text).toContain(diagrams.find((diagram) => diagram.name === 'highlighted')!.source());
    expect(diagrams.find((diagram) => diagram.name === 'highlighted')!.source()).toContain('class directMessage,community_supported,safety_threatened current');
  });

  it.each(diagrams.map((diagram) => [diagram.image, diagram] as const))('is drawn up to date in %s (npm run diagrams)', (image, diagram) => {
    const png = readFileSync(new URL(`../${image}`, import.meta.url));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // The Mermaid text the picture was drawn from, not its pixels: those differ between Chromium builds.
    expect(pngText(png).get(sourceHashKey)).toBe(sourceHash(diagram.source()));
  });

  it.each(diagrams.filter((diagram) => diagram.svg !== undefined).map((diagram) => [diagram.svg!, diagram] as const))(
    'is drawn up to date as an SVG image in %s (npm run diagrams)',
    (file, diagram) => {
      const svg = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
      expect(svgSourceHash(svg)).toBe(sourceHash(diagram.source()));
      expect(svg).toMatch(/^<!-- [^\n]+ -->\n<!-- crisis-playbook npm run diagrams, mermaid 11\.[\d.]+ -->\n<svg width="\d+" height="\d+" id="crisis-playbook-diagram" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      for (const rung of defaultPlaybook.ladder.rungs) expect(svg).toContain(`>${rung.title}<`);
    },
  );

  it('makes an SVG image of mermaid\'s SVG: sized by its viewBox, headed by the hash of its text', () => {
    const image = svgImage('<svg id="d" width="100%" xmlns="http://www.w3.org/2000/svg" style="max-width: 120.5px;" viewBox="0 0 120.5 80"><g/></svg>', 'stateDiagram-v2', 'test');
    expect(image).toBe(`<!-- ${sourceHashKey} ${sourceHash('stateDiagram-v2')} -->\n<!-- test -->\n<svg width="121" height="80" id="d" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120.5 80"><g/></svg>\n`);
    expect(svgSourceHash(image)).toBe(sourceHash('stateDiagram-v2'));
    expect(svgSourceHash('<svg/>')).toBeUndefined();
    expect(() => svgImage('<g/>', '', '')).toThrow('Expected an SVG element');
  });

  it('reads back the text it writes into a PNG', () => {
    const png = readFileSync(new URL(`../${diagrams[0]!.image}`, import.meta.url));
    const withNote = withPngText(png, 'Comment', 'a note');
    const written = pngText(withNote);
    expect(written.get('Comment')).toBe('a note');
    expect(written.get(sourceHashKey)).toMatch(/^[0-9a-f]{64}$/);
    // Every chunk's CRC is right (zlib's own crc32), and the file still ends with IEND.
    let offset = 8;
    const types: string[] = [];
    while (offset < withNote.length) {
      const length = withNote.readUInt32BE(offset);
      types.push(withNote.toString('latin1', offset + 4, offset + 8));
      expect(withNote.readUInt32BE(offset + 8 + length)).toBe(crc32(withNote.subarray(offset + 4, offset + 8 + length)));
      offset += 12 + length;
    }
    expect(offset).toBe(withNote.length);
    expect(types.at(-1)).toBe('IEND');
    expect(types.at(-2)).toBe('tEXt');
  });

  it('keeps control characters from a playbook out of the diagram', async () => {
    const hostile = { ...defaultPlaybook, title: 'Evil\u001b[2J\u009b31m\ntitle', ladder: { ...defaultPlaybook.ladder, rungs: defaultPlaybook.ladder.rungs.map((r) => ({ ...r, title: `${r.title}\u0007` })) } };
    const diagram = toMermaid(hostile as PlaybookDefinition);
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    expect(diagram.split('\n').join('')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    await expect(parse(diagram)).resolves.toMatchObject({ diagramType: 'stateDiagram' });
  });

  it('draws titles made of nothing but spaces and line breaks (valid in a playbook) as a diagram mermaid parses', async () => {
    const blank = {
      ...defaultPlaybook,
      title: ' \n\t ',
      ladder: { ...defaultPlaybook.ladder, rungs: defaultPlaybook.ladder.rungs.map((rung) => (rung.id === 'monitoring' ? { ...rung, title: '\n \n' } : rung)) },
    };
    const diagram = toMermaid(blank as PlaybookDefinition);
    expect(diagram).not.toContain('""');
    await expect(parse(diagram)).resolves.toMatchObject({ diagramType: 'stateDiagram' });
  });
});
