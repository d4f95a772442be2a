// Renders Mermaid text with the bundled mermaid 11 in a headless Chromium page and measures the
// result as a reader sees it: the SVG fitted to the page width, every label's box and text
// height in CSS pixels. Used by test/diagrams.browser.test.ts and scripts/write-diagrams.ts.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
/** The mermaid bundle the page loads (no network: it is injected from node_modules). */
export const mermaidBundle = require.resolve('mermaid/dist/mermaid.min.js');
export const mermaidVersion = (require('mermaid/package.json') as { version: string }).version;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface RenderedLabel {
  /** `state` (a state's title), `edge` (a transition's label) or `group` (a composite state's title). */
  readonly kind: 'state' | 'edge' | 'group';
  readonly text: string;
  /** The label's box on the page, in CSS pixels. */
  readonly box: Box;
  /** The height of one line of its text on the page (font size × fitted scale), in CSS pixels. */
  readonly textHeight: number;
}

export interface RenderedDiagram {
  readonly svg: string;
  /** The SVG's own size (its viewBox), before fitting. */
  readonly natural: { readonly width: number; readonly height: number };
  /** Its size on the page, fitted to the page width. */
  readonly fitted: { readonly width: number; readonly height: number };
  /** fitted width / natural width. */
  readonly scale: number;
  readonly labels: readonly RenderedLabel[];
  /** The boxes of the composite states by id (`ladder`, `track_safety`, ...), on the page. */
  readonly groups: Readonly<Record<string, Box>>;
  /** The boxes of the states by id (`phoneCall`, `safety_none`, ...), on the page, with their fill colour (`rgb(...)`). */
  readonly states: Readonly<Record<string, Box & { readonly fill: string }>>;
}

/** Loads mermaid into a blank page of the given page's width (call once per page). */
export async function loadMermaid(page: Page): Promise<void> {
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0"><div id="diagram"></div></body></html>');
  await page.addScriptTag({ path: mermaidBundle });
  await page.addScriptTag({ path: fileURLToPath(new URL('./measureDiagram.browser.js', import.meta.url)) });
  await page.evaluate(() => {
    (window as unknown as { mermaid: { initialize(config: object): void } }).mermaid.initialize({ startOnLoad: false });
  });
}

/**
 * Renders `text` with mermaid's default configuration into the page (after {@link loadMermaid}),
 * fitted to the page width as mermaid does (`useMaxWidth`), and measures it.
 */
export async function renderMermaid(page: Page, text: string): Promise<RenderedDiagram> {
  return page.evaluate((source) => (window as unknown as { renderAndMeasure(text: string): Promise<RenderedDiagram> }).renderAndMeasure(source), text);
}

/** The area two boxes share (0 when they do not overlap). */
export function overlapArea(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** Every pair of labels whose boxes overlap, with the area they share. */
export function overlappingLabels(labels: readonly RenderedLabel[]): { a: string; b: string; area: number }[] {
  const pairs: { a: string; b: string; area: number }[] = [];
  labels.forEach((a, i) =>
    labels.slice(i + 1).forEach((b) => {
      const area = overlapArea(a.box, b.box);
      if (area > 0) pairs.push({ a: a.text, b: b.text, area });
    }),
  );
  return pairs;
}
