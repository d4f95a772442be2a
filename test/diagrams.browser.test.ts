// The diagrams as a reader sees them: rendered by the bundled mermaid 11 in headless Chromium,
// in a 1280 px wide page, fitted to its width, and measured from the SVG. Needs Chromium
// (test/support/browser.ts says how to get it); one browser for the whole file.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultPlaybook } from 'crisis-playbook';
import { extendPlaybook } from 'crisis-playbook/authoring';
import { toMermaid } from 'crisis-playbook/visualize';
import { diagrams } from '../scripts/write-diagrams.js';
import { browserTestTimeout, launchBrowser, type BrowserSession } from './support/browser.js';
import { loadMermaid, mermaidVersion, overlappingLabels, renderMermaid, type Box, type RenderedDiagram } from './support/mermaidPage.js';

// Every test and hook of this file: time to stop a hang, not to time the page (see browserTestTimeout).
vi.setConfig({ testTimeout: browserTestTimeout, hookTimeout: browserTestTimeout });

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  session = await launchBrowser();
  page = await session.newPage({ width: 1280 });
  await loadMermaid(page);
});

afterAll(async () => {
  await session?.close();
});

const area = (box: Box) => box.width * box.height;
const highlightedSource = diagrams.find((diagram) => diagram.name === 'highlighted')!.source();

describe('the default diagram, highlighted, in headless Chromium (mermaid 11, a page 1280 px wide)', () => {
  let rendered: RenderedDiagram;

  beforeAll(async () => {
    rendered = await renderMermaid(page, highlightedSource);
  });

  it('is drawn by mermaid 11, fitted to the page width', () => {
    expect(mermaidVersion).toMatch(/^11\./);
    expect(rendered.fitted.width).toBeGreaterThan(600);
    expect(rendered.fitted.width).toBeLessThanOrEqual(1280);
    expect(rendered.natural.width).toBeLessThan(1280 * 1.25);
  });

  it('shows every state and edge label at least 10 px high', () => {
    const states = rendered.labels.filter((label) => label.kind === 'state').map((label) => label.text);
    for (const rung of defaultPlaybook.ladder.rungs) expect(states).toContain(rung.title);
    for (const track of defaultPlaybook.tracks) for (const state of track.states) expect(states).toContain(state.title);
    expect(states).toContain('Any open rung');
    const edges = rendered.labels.filter((label) => label.kind === 'edge').map((label) => label.text);
    expect(edges).toContain('access.granted /access.denied /after accessWindow');
    expect(edges).toContain('contact.received');
    expect(edges).toContain('incident.closed');
    expect(edges).toHaveLength(highlightedSource.match(/ --> \S+ : /g)!.length);
    for (const label of rendered.labels) {
      expect(label.textHeight, `"${label.text}" is ${label.textHeight.toFixed(1)} px high`).toBeGreaterThanOrEqual(10);
      expect(label.box.height, `"${label.text}"'s box`).toBeGreaterThanOrEqual(10);
    }
  });

  it('has no two labels whose boxes overlap', () => {
    expect(rendered.labels.length).toBeGreaterThan(25);
    expect(overlappingLabels(rendered.labels)).toEqual([]);
  });

  it('puts the side tracks right below the ladder, without a large empty area', () => {
    const { incident, ladder, _sideTracks: sideTracks, track_community: community, track_safety: safety } = rendered.groups;
    const gap = sideTracks!.y - (ladder!.y + ladder!.height);
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(0.05 * incident!.height);
    // Under the ladder, not off to one side.
    expect(sideTracks!.x).toBeLessThan(ladder!.x + ladder!.width / 2);
    expect(sideTracks!.x + sideTracks!.width).toBeGreaterThan(ladder!.x + ladder!.width / 2);
    for (const track of [community!, safety!]) {
      expect(track.y).toBeGreaterThanOrEqual(sideTracks!.y);
      expect(track.y + track.height).toBeLessThanOrEqual(sideTracks!.y + sideTracks!.height);
    }
    // The ladder and the side tracks fill at least 80% of the diagram.
    expect((area(ladder!) + area(sideTracks!)) / area(incident!)).toBeGreaterThan(0.8);
  });

  it('highlights the current rung and track states, and only them', () => {
    const highlighted = Object.entries(rendered.states)
      .filter(([, state]) => state.fill === 'rgb(255, 213, 79)')
      .map(([id]) => id)
      .sort();
    expect(highlighted).toEqual(['community_supported', 'directMessage', 'safety_threatened']);
    expect(rendered.states['_anyOpenRung']!.fill).toBe('rgb(255, 255, 255)');
  });

  it('tells a hard-to-read diagram apart: the one of issue #16 fails these measures', async () => {
    const before = await renderMermaid(page, readFileSync(new URL('./fixtures/diagram-before-issue-16.mmd', import.meta.url), 'utf8'));
    expect(Math.round(before.natural.width)).toBeGreaterThan(3000);
    expect(Math.min(...before.labels.map((label) => label.textHeight))).toBeLessThan(7);
    expect(overlappingLabels(before.labels).map(({ a, b }) => `${a} × ${b}`)).toContain('access.granted × access.denied');
    expect(before.labels.map((label) => label.text)).toContain('Social-media crisis the escalation ladder');
  });
});

describe('diagrams of any playbook, in headless Chromium', () => {
  const punctuated = 'Acme "Ops": crisis; #1 <team> & *friends* 100% {v2} a|b ~c~ `code` \\ direction TB';
  const playbook = extendPlaybook(defaultPlaybook)
    .rename({ id: 'punctuated', version: '1.0.0', title: punctuated })
    .addEvents({ 'note.added': { payload: { text: { type: 'string', maxLength: 120 } } } })
    .addRung({
      id: 'legal-review',
      title: 'Legal: review; "now" #2 & <soon>',
      description: 'A rung whose id Mermaid cannot take as it is.',
      advice: [{ title: 'Ask legal', detail: 'Ask.', priority: 1 }],
      on: [{ event: 'note.added', target: 'monitoring', guard: { path: 'event.text', equals: 'a: "b"; #c <d> & *e*' } }],
    })
    .addRung({
      id: 'note',
      title: 'Note (a keyword): yes',
      description: 'A rung whose id is a Mermaid keyword.',
      advice: [{ title: 'Note it', detail: 'Note.', priority: 1 }],
      on: [{ event: 'note.added', target: 'legal-review' }],
    })
    .addTransitions('everyRung', [{ event: 'note.added', target: 'note' }])
    .build();

  it('shows titles and labels with their punctuation, and ids Mermaid cannot take under titles of their own', async () => {
    const rendered = await renderMermaid(page, toMermaid(playbook));
    const texts = rendered.labels.map((label) => label.text);
    expect(texts).toContain(punctuated);
    expect(texts).toContain('Legal: review; "now" #2 & <soon>');
    expect(texts).toContain('Note (a keyword): yes');
    expect(texts).toContain('note.added [event.text = a: "b"; #c <d> & *e*]');
    expect(texts).toContain('note.added (not from Legal: review; "now" #2 & <soon>, Note (a keyword): yes)');
    expect(texts).toContain('note.added');
    for (const label of rendered.labels) expect(label.textHeight).toBeGreaterThanOrEqual(10);
  });

  it('draws every transition from each rung when told, still without overlapping labels', async () => {
    const rendered = await renderMermaid(page, toMermaid(defaultPlaybook, { fromEveryRung: 'each' }));
    expect(rendered.labels.filter((label) => label.text.includes('incident.closed'))).toHaveLength(6);
    expect(overlappingLabels(rendered.labels)).toEqual([]);
  });

  it.each(diagrams.map((diagram) => [diagram.image] as const))('shows %s as a picture the browser can decode', async (image) => {
    const png = readFileSync(new URL(`../${image}`, import.meta.url)).toString('base64');
    const size = await page.evaluate(async (data) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      return { width: img.naturalWidth, height: img.naturalHeight };
    }, png);
    expect(size.width).toBeGreaterThan(1000);
    expect(size.height).toBeGreaterThan(size.width);
  });

  it.each(diagrams.filter((diagram) => diagram.svg !== undefined).map((diagram) => [diagram.svg!] as const))('shows %s as an SVG image the browser draws, labels and all', async (image) => {
    const svg = readFileSync(new URL(`../${image}`, import.meta.url)).toString('base64');
    const drawn = await page.evaluate(async (data) => {
      const img = new Image();
      img.src = `data:image/svg+xml;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d')!;
      context.drawImage(img, 0, 0);
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      // The label text is drawn in #333: count the dark pixels.
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 200 && pixels[i]! < 100 && pixels[i + 1]! < 100 && pixels[i + 2]! < 100) dark++;
      return { width: img.naturalWidth, height: img.naturalHeight, dark };
    }, svg);
    expect(drawn.width).toBeGreaterThan(1000);
    expect(drawn.height).toBeGreaterThan(drawn.width);
    expect(drawn.dark).toBeGreaterThan(5000);
  });
});
