// Writes the default playbook's diagram where people read it: the Mermaid text in README.md
// and docs/ (between `<!-- diagram:<name>:start -->` and `<!-- diagram:<name>:end -->`), and
// the picture mermaid 11 draws of it in headless Chromium, a PNG under docs/images/ that
// carries the SHA-256 of its Mermaid text in a tEXt chunk, and for the default diagram the same
// picture as an SVG image (docs/images/default-playbook.svg, the hash in its first comment).
// test/diagrams.test.ts fails when a copy or a picture is stale: run `npm run diagrams` after changing the default playbook or
// toMermaid (it needs Chromium: see test/support/browser.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createActor } from 'xstate';
import { crisisMachine, defaultPlaybook } from 'crisis-playbook';
import { toMermaid } from 'crisis-playbook/visualize';

export const diagramFiles = ['README.md', 'docs/inspector-and-diagrams.md'];

/** The reference case half-way: access denied, supporters posting, a threat of a visit. */
export function referenceCaseSnapshot() {
  const actor = createActor(crisisMachine).start();
  actor.send({
    type: 'facts.update',
    facts: { witnessed: false, knowsPoster: false, connectedToPoster: false, venue: 'private-group', memberOfVenue: false, insiderInVenue: true },
  });
  actor.send({ type: 'assessment.complete' });
  actor.send({ type: 'access.requested' });
  actor.send({ type: 'access.denied' });
  actor.send({ type: 'community.supported' });
  actor.send({ type: 'threat.reported', kind: 'visit' });
  const snapshot = actor.getSnapshot();
  actor.stop();
  return snapshot;
}

export interface Diagram {
  /** The name in the markers: `<!-- diagram:<name>:start -->`. */
  readonly name: string;
  readonly alt: string;
  /** The PNG, from the repository's root. */
  readonly image: string;
  /** The SVG image, from the repository's root, for the diagrams drawn as SVG too. */
  readonly svg?: string;
  readonly source: () => string;
}

export const diagrams: readonly Diagram[] = [
  {
    name: 'default',
    alt: 'The default playbook: the escalation ladder from Gather information to Resolved or Closed, with the Community and Safety side tracks below it',
    image: 'docs/images/default-playbook.png',
    svg: 'docs/images/default-playbook.svg',
    source: () => toMermaid(defaultPlaybook),
  },
  {
    name: 'highlighted',
    alt: 'The default playbook with an incident highlighted: Private message on the ladder, Community supportive and Threatened on the side tracks',
    image: 'docs/images/default-playbook-highlighted.png',
    source: () => toMermaid(crisisMachine, { snapshot: referenceCaseSnapshot() }),
  },
];

const repositoryRaw = 'https://raw.githubusercontent.com/crisis-playbook/crisis-playbook/main/';

/** Where `file` finds an image: relative in docs/, absolute in the README (so it shows on npm too). */
function imageUrl(file: string, image: string): string {
  if (file === 'README.md') return `${repositoryRaw}${image}`;
  return image.startsWith('docs/') && file.startsWith('docs/') ? image.slice('docs/'.length) : image;
}

/** `text` (the contents of `file`) with every diagram it has markers for written in, up to date. */
export function withDiagrams(text: string, file: string): string {
  let result = text;
  let found = 0;
  for (const diagram of diagrams) {
    const start = `<!-- diagram:${diagram.name}:start -->`;
    const end = `<!-- diagram:${diagram.name}:end -->`;
    const from = result.indexOf(start);
    const to = result.indexOf(end);
    if (from === -1 && to === -1) continue;
    if (from === -1 || to === -1 || to < from) throw new Error(`${file}: expected ${start} … ${end}`);
    found++;
    const block = [
      `![${diagram.alt}](${imageUrl(file, diagram.image)})`,
      '',
      '<details><summary>The Mermaid text</summary>',
      '',
      '```mermaid',
      `${diagram.source()}\`\`\``,
      '',
      '</details>',
    ].join('\n');
    result = `${result.slice(0, from + start.length)}\n${block}\n${result.slice(to)}`;
  }
  if (found === 0) throw new Error(`${file}: no <!-- diagram:<name>:start --> … <!-- diagram:<name>:end --> markers`);
  return result;
}

/** The key of the PNG tEXt chunk that holds the SHA-256 of the Mermaid text the image shows. */
export const sourceHashKey = 'crisis-playbook:mermaid-sha256';

export function sourceHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The tEXt chunks of a PNG, by keyword. */
export function pngText(png: Buffer): Map<string, string> {
  const texts = new Map<string, string>();
  for (let offset = 8; offset + 8 <= png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'tEXt') {
      const data = png.subarray(offset + 8, offset + 8 + length);
      const separator = data.indexOf(0);
      texts.set(data.toString('latin1', 0, separator), data.toString('latin1', separator + 1));
    }
    offset += 12 + length;
  }
  return texts;
}

/** A PNG with a tEXt chunk `keyword` = `value` (Latin-1) added before its end. */
export function withPngText(png: Buffer, keyword: string, value: string): Buffer {
  const data = Buffer.from(`${keyword}\0${value}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const end = png.length - 12; // IEND is the last chunk, 12 bytes long
  if (png.toString('latin1', end + 4, end + 8) !== 'IEND') throw new Error('Expected a PNG that ends with IEND');
  return Buffer.concat([png.subarray(0, end), chunk, png.subarray(end)]);
}

/** The comment an SVG image starts with: the SHA-256 of the Mermaid text it shows. */
export function svgHashComment(source: string): string {
  return `<!-- ${sourceHashKey} ${sourceHash(source)} -->`;
}

/** The hash an SVG image written by {@link withSvgHash} carries, if any. */
export function svgSourceHash(svg: string): string | undefined {
  return new RegExp(`^<!-- ${sourceHashKey} ([0-9a-f]{64}) -->`).exec(svg)?.[1];
}

/**
 * An SVG image file of mermaid's SVG (serialised as XML): its intrinsic size set to its
 * viewBox (mermaid makes it 100% wide, which an image has no use for), headed by the hash of
 * its Mermaid text and what drew it.
 */
export function svgImage(svg: string, source: string, software: string): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error('Expected an SVG element');
  const viewBox = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"/.exec(open[0]);
  if (!viewBox) throw new Error('Expected an SVG with a viewBox');
  const sized = open[0]
    .replace(/ width="[^"]*"/, '')
    .replace(/ style="[^"]*"/, '')
    .replace(/^<svg/, `<svg width="${Math.ceil(Number(viewBox[1]))}" height="${Math.ceil(Number(viewBox[2]))}"`);
  return `${svgHashComment(source)}\n<!-- ${software} -->\n${sized}${svg.slice(open[0].length)}\n`;
}

async function main(): Promise<void> {
  for (const file of diagramFiles) {
    const url = new URL(`../${file}`, import.meta.url);
    writeFileSync(url, withDiagrams(readFileSync(url, 'utf8'), file));
  }
  // Chromium is loaded only here, so that the tests can import this module without it.
  const { launchBrowser } = await import('../test/support/browser.js');
  const { loadMermaid, renderMermaid, mermaidVersion } = await import('../test/support/mermaidPage.js');
  const session = await launchBrowser({ deviceScaleFactor: 2 });
  try {
    const page = await session.newPage({ width: 1280 });
    await loadMermaid(page);
    for (const diagram of diagrams) {
      const source = diagram.source();
      const rendered = await renderMermaid(page, source);
      const png = await page.locator('#diagram svg').screenshot({ animations: 'disabled' });
      const software = `crisis-playbook npm run diagrams, mermaid ${mermaidVersion}, headless Chromium`;
      let out = withPngText(png, sourceHashKey, sourceHash(source));
      out = withPngText(out, 'Software', software);
      // A picture of the same text by the same mermaid is left as it is (its pixels vary between Chromium builds).
      const imageUrl = new URL(`../${diagram.image}`, import.meta.url);
      const before = existsSync(imageUrl) ? pngText(readFileSync(imageUrl)) : new Map<string, string>();
      if (before.get(sourceHashKey) !== sourceHash(source) || before.get('Software') !== software) writeFileSync(imageUrl, out);
      console.log(`${diagram.image}: ${Math.round(rendered.fitted.width)} × ${Math.round(rendered.fitted.height)} CSS px (natural ${Math.round(rendered.natural.width)} × ${Math.round(rendered.natural.height)}), ${(out.length / 1024).toFixed(0)} KB`);
      if (diagram.svg !== undefined) {
        // Drawn again under a fixed id (the id is in the SVG's styles), and written out as XML.
        const xml = await page.evaluate(async (text) => {
          const { svg } = await (window as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }).mermaid.render('crisis-playbook-diagram', text);
          const host = document.createElement('div');
          host.innerHTML = svg;
          return new XMLSerializer().serializeToString(host.querySelector('svg')!);
        }, source);
        const image = svgImage(xml, source, `crisis-playbook npm run diagrams, mermaid ${mermaidVersion}`);
        writeFileSync(new URL(`../${diagram.svg}`, import.meta.url), image);
        console.log(`${diagram.svg}: ${(image.length / 1024).toFixed(0)} KB`);
      }
    }
  } finally {
    await session.close();
  }
}

if (process.argv[1]?.endsWith('write-diagrams.ts')) await main();
