// The responder console (examples/responder-console) in headless Chromium: built with Vite,
// served over http from this process, and used by clicking and typing as a responder would.
// The page's clock is Playwright's fake clock, set to the reference case's own times, so that
// the windows, countdowns and screenshots are those of the case. One browser for the file; the
// tests run in order on one page, as one responder's session.
// Screenshots: every run takes them, checks them and saves them under test-results/console/
// (not committed: a run's pictures differ from the last run's by a few bytes); with
// SCREENSHOTS=write (npm run screenshots) it also writes them to docs/images/console-*.png,
// the pictures the README and docs show.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleMessage, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIncident, crisisMachine, currentRung, currentTracks, defaultPlaybook, recommend, type CrisisEvent, type PayloadField } from 'crisis-playbook';
import { safeParsePlaybook } from 'crisis-playbook/authoring';
import { bundlePage } from '../examples/inspector-browser/main.js';
import { referenceCase } from '../examples/reference-case/events.js';
import { consoleConfig } from '../examples/responder-console/config.js';
import { browserTestTimeout, launchBrowser, type BrowserSession } from './support/browser.js';
import { serveStatic, type StaticServer } from './support/staticServer.js';

// Every test and hook of this file: time to stop a hang, not to time the page (see browserTestTimeout).
vi.setConfig({ testTimeout: browserTestTimeout, hookTimeout: browserTestTimeout });

const root = fileURLToPath(new URL('..', import.meta.url));
const writeScreenshots = process.env['SCREENSHOTS'] === 'write';
/** The screenshots the README and docs/console.md show. */
const screenshots = ['docs/images/console-start.png', 'docs/images/console-mid-incident.png', 'docs/images/console-resolved.png'] as const;

let work: string;
let server: StaticServer;
let session: BrowserSession;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'crisis-playbook-console-'));
  // The console as `vite build` makes it, and examples/inspector-browser as its main.ts bundles it.
  mkdirSync(join(work, 'inspector-browser'));
  copyFileSync(join(root, 'examples/inspector-browser/index.html'), join(work, 'inspector-browser/index.html'));
  [session] = await Promise.all([
    launchBrowser({ localServer: true }),
    build(consoleConfig({ outDir: join(work, 'console'), logLevel: 'silent' })),
    bundlePage(join(work, 'inspector-browser/dist/page.js')),
  ]);
  server = await serveStatic(work);
  page = await session.newPage({ width: 1280, height: 900 });
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await session?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const consoleUrl = () => `${server.url}console/`;
const stored = () => page.evaluate(() => localStorage.getItem('crisis-playbook/responder-console'));
const rungOf = () => page.getByTestId('rung').getAttribute('data-rung');
const timelineLength = () => page.locator('[data-testid=timeline] > li').count();
const topRecommendation = () => page.getByTestId('recommendation').first().locator('h3').textContent();

/** The ids of the states the rendered diagram fills with the highlight colour, once it shows the incident as it is. */
async function highlighted(): Promise<string[]> {
  await page.locator('#ladder-diagram[data-ready=true] svg').waitFor();
  return page.evaluate(() => {
    const svg = document.querySelector('#ladder-diagram svg')!;
    const ids: string[] = [];
    for (const node of svg.querySelectorAll(`g.node[id^="${svg.id}-state-"]`)) {
      const shape = node.querySelector('rect, path, circle');
      if (shape && getComputedStyle(shape).fill === 'rgb(255, 213, 79)') ids.push(node.id.slice(`${svg.id}-state-`.length).replace(/-\d+$/, ''));
    }
    return ids.sort();
  });
}

/** Moves the page's clock forward to `iso`, firing the timers due on the way. */
async function clockTo(iso: string): Promise<void> {
  const now = await page.evaluate(() => Date.now());
  const delta = Date.parse(iso) - now;
  if (delta > 0) await page.clock.fastForward(delta);
}

/** Every form control and button on the page has a name a screen reader reads out. */
async function expectLabelledControls(): Promise<void> {
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea, button')]
      .filter((element) => {
        const control = element as HTMLInputElement;
        const named = (control.labels?.length ?? 0) > 0 || control.getAttribute('aria-label') || (element.tagName === 'BUTTON' && element.textContent!.trim() !== '');
        return !named;
      })
      .map((element) => element.outerHTML.slice(0, 80)),
  );
  expect(unnamed).toEqual([]);
}

async function screenshot(name: (typeof screenshots)[number]): Promise<void> {
  await page.locator('#ladder-diagram[data-ready=true] svg').waitFor();
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const png = await page.screenshot({ animations: 'disabled' });
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  const size = { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
  expect(size).toEqual({ width: 1280, height: 900 });
  const artifacts = join(root, 'test-results', 'console');
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, name.replace('docs/images/', '')), png);
  if (writeScreenshots) writeFileSync(join(root, name), png);
}

const factLabels: Readonly<Record<string, string>> = {
  witnessed: 'Did you see the posts yourself?',
  knowsPoster: 'Do you know the upset person?',
  connectedToPoster: 'Are you connected to them (friends, followers)?',
  venue: 'Where were the posts made?',
  memberOfVenue: 'Are you a member of that group?',
  insiderInVenue: 'Is anyone else in the organisation a member of that group?',
};

/** The label of the form field for `name` of event `type`: the playbook's question, or the console's own words. */
function labelOf(type: string, name: string): string {
  const field = (defaultPlaybook.events as Record<string, { payload?: Record<string, PayloadField> }>)[type]?.payload?.[name];
  if (field?.question) return field.question;
  if (name === 'by') return 'Recorded by';
  if (name === 'note') return 'Note for the timeline';
  throw new Error(`No label for ${type}.${name}`);
}

/** Sets a field: a select takes an option (yes/no for booleans), a text field the text. */
async function setField(label: string, value: unknown): Promise<void> {
  const control = page.getByLabel(label);
  const tag = await control.evaluate((element) => element.tagName);
  const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  if (tag === 'SELECT') await control.selectOption(text);
  else await control.fill(text);
}

/** Opens the form of `event.type` with its button and fills in the event's fields. */
async function fillForm(event: CrisisEvent): Promise<void> {
  const button = page.getByRole('button', { name: event.type, exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await expect.poll(() => page.locator('#event-form h3').textContent()).toBe(`Record ${event.type}`);
  await expectLabelledControls();
  for (const [name, value] of Object.entries(event)) {
    if (name === 'type' || name === 'at') continue;
    if (name === 'facts') {
      for (const [fact, answer] of Object.entries(value as Record<string, unknown>)) await setField(factLabels[fact]!, answer);
    } else {
      await setField(labelOf(event.type, name), value);
    }
  }
}

/** Opens the form of `type` with the keyboard alone (its button takes Enter); the form puts the focus on `firstField`. */
async function openFormByKeyboard(type: string, firstField: string): Promise<void> {
  await page.getByRole('button', { name: type, exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe(firstField);
}

async function submit(type: string): Promise<void> {
  await page.getByRole('button', { name: `Record ${type}`, exact: true }).click();
}

/** What the library says after each event of the reference case: the rung, the top advice, the states to highlight. */
function expectedSteps() {
  const incident = createIncident(crisisMachine).start();
  const steps = referenceCase.map((event) => {
    const { at: _at, ...rest } = event;
    incident.send(rest as CrisisEvent);
    const snapshot = incident.getSnapshot();
    const rung = currentRung(snapshot);
    const tracks = currentTracks(snapshot);
    const states = snapshot.status === 'active' ? [rung, ...Object.entries(tracks).map(([track, state]) => `${track}_${state}`)] : [rung];
    return { rung, top: recommend(snapshot)[0]?.title, highlighted: states.sort() };
  });
  incident.stop();
  return steps;
}

describe('the responder console in headless Chromium', () => {
  it('opens a new incident of the default playbook on its first rung, highlighted in the rendered ladder', async () => {
    await page.clock.install({ time: new Date('2026-04-06T19:00:00Z') });
    await page.goto(consoleUrl());
    await expect.poll(rungOf).toBe('gatheringInfo');
    expect(await page.getByTestId('playbook-title').textContent()).toBe(defaultPlaybook.title);
    expect(await topRecommendation()).toBe('Do not post back publicly yet');
    expect(await highlighted()).toEqual(['community_quiet', 'gatheringInfo', 'safety_none']);
    // Severity and its reminder: the first response is due by the low level's target.
    expect(await page.getByTestId('severity').getAttribute('data-level')).toBe('low');
    // 24 hours after the incident was opened, when the page loaded: 19:00 and the time the page
    // took to load (the fake clock runs in real time until paused; seconds on a loaded machine).
    const opened = await page.evaluate(() => {
      const saved = JSON.parse(localStorage.getItem('crisis-playbook/responder-console')!) as {
        current: string;
        incidents: Record<string, { snapshot: { context: { openedAt: string } } }>;
      };
      return saved.incidents[saved.current]!.snapshot.context.openedAt;
    });
    expect(Date.parse(opened) - Date.parse('2026-04-06T19:00:00Z')).toBeGreaterThanOrEqual(0);
    expect(Date.parse(opened) - Date.parse('2026-04-06T19:00:00Z')).toBeLessThan(60_000);
    expect(await page.getByTestId('reminder').getAttribute('data-due')).toBe(new Date(Date.parse(opened) + 24 * 3_600_000).toISOString());
    expect(await page.getByTestId('reminder').textContent()).toMatch(/23 h 5\d min \d+ s left/);
    const buttons = await page.getByRole('list', { name: 'Events available now' }).getByRole('button').allTextContents();
    expect(buttons).toEqual(['assessment.complete', 'contact.received', 'facts.update', 'incident.closed', 'community.supported', 'threat.reported']);
    await expectLabelledControls();
    // Kept in the browser as a stored incident.
    const saved = JSON.parse((await stored())!) as { current: string; incidents: Record<string, { format: string; playbook: { id: string } }> };
    expect(saved.incidents[saved.current]).toMatchObject({ format: 'crisis-playbook/incident', playbook: { id: 'crisis' } });
    await page.clock.pauseAt(new Date('2026-04-06T19:02:00Z'));
    await screenshot('docs/images/console-start.png');
    // The countdown is live: five seconds later, it says five seconds less.
    const countdown = page.getByTestId('reminder').locator('.countdown');
    const [, minutes, seconds] = /^23 h (\d+) min (\d+) s left$/.exec((await countdown.textContent())!)!;
    await page.clock.runFor(5000);
    const later = Number(minutes) * 60 + Number(seconds) - 5;
    expect(await countdown.textContent()).toBe(`23 h ${Math.floor(later / 60)} min ${later % 60} s left`);
    await page.clock.resume();
  });

  it('walks the reference case by clicking: the rung, the top advice and the highlighted rung at each step; a reload and malformed forms change nothing', async () => {
    const expected = expectedSteps();
    expect(expected.map((step) => step.rung)).toEqual([
      'gatheringInfo', 'requestingAccess', 'requestingAccess', 'directMessage', 'directMessage', 'intermediary',
      'intermediary', 'intermediary', 'intermediary', 'intermediary', 'phoneCall', 'resolved',
    ]);
    for (const [index, event] of referenceCase.entries()) {
      await clockTo(event.at!);
      if (event.type === 'intermediary.asked') {
        // Too long a name: the parser's issue next to the field, and nothing changes.
        const before = await stored();
        await fillForm(event);
        await setField(labelOf('intermediary.asked', 'name'), 'B'.repeat(121));
        await submit(event.type);
        const name = page.getByLabel(labelOf('intermediary.asked', 'name'));
        await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
        const issueId = (await name.getAttribute('aria-describedby'))!;
        expect(await page.locator(`#${issueId}`).textContent()).toMatch(/120/);
        expect(await stored()).toBe(before);
        expect(await rungOf()).toBe('intermediary');
        expect(await timelineLength()).toBe(index);
        await setField(labelOf('intermediary.asked', 'name'), 'Ben');
        await submit(event.type);
      } else if (event.type === 'contact.received') {
        // No channel chosen: refused by the parser, shown next to the channel, nothing changes.
        const before = await stored();
        await page.getByRole('button', { name: 'contact.received', exact: true }).click();
        await setField('Recorded by', 'Ana');
        await submit(event.type);
        const channel = page.getByLabel(labelOf('contact.received', 'channel'));
        await expect.poll(() => channel.getAttribute('aria-invalid')).toBe('true');
        expect(await page.locator(`#${(await channel.getAttribute('aria-describedby'))!}`).textContent()).toMatch(/phone/);
        expect(await stored()).toBe(before);
        expect(await rungOf()).toBe('intermediary');
        expect(await timelineLength()).toBe(index);
        await fillForm(event);
        await submit(event.type);
      } else if (event.type === 'message.sent') {
        // With the keyboard alone: the button takes Enter, the form gets the focus, Enter submits.
        await openFormByKeyboard('message.sent', 'by');
        await page.keyboard.type('Ana');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('events-heading');
      } else if (event.type === 'call.completed') {
        // Lists with the keyboard too: a letter picks the answer, Tab goes on, Enter in a text field records.
        await openFormByKeyboard('call.completed', 'apology');
        await page.keyboard.press('y');
        await page.keyboard.press('Tab');
        await page.keyboard.press('y');
        await page.keyboard.press('Tab');
        await page.keyboard.type('Ana');
        expect(await page.evaluate(() => [...document.querySelectorAll<HTMLSelectElement>('#event-form select')].map((select) => select.value))).toEqual(['yes', 'yes']);
        await page.keyboard.press('Enter');
      } else {
        await fillForm(event);
        await submit(event.type);
      }
      const step = expected[index]!;
      await expect.poll(timelineLength, { message: `after ${event.type}` }).toBe(index + 1);
      expect(await rungOf(), `rung after ${event.type}`).toBe(step.rung);
      expect(await topRecommendation(), `top advice after ${event.type}`).toBe(step.top);
      expect(await highlighted(), `highlighted after ${event.type}`).toEqual(step.highlighted);
      const storedAfter = await stored();

      if (event.type === 'access.denied') {
        // The drafts, filled with the responder's details, copied with their button.
        await page.getByText('Details for the drafts').click();
        await page.getByLabel('Your organisation').fill('The Corner Shop');
        await page.getByLabel('The phone number to give').fill('01 23 45 67 89');
        const draft = page.getByTestId('draft-text').first();
        await expect.poll(() => draft.textContent()).toContain('The Corner Shop');
        expect(await draft.textContent()).toContain('01 23 45 67 89');
        await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.slice(0, -1) });
        await page.getByRole('button', { name: /^Copy the draft/ }).first().click();
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(await draft.textContent());
        // The details are the responder's, not the incident's.
        expect(await stored()).toBe(storedAfter);
      }
      if (event.type === 'message.sent') {
        // Reload in the middle: the same rung and timeline, the reply window re-armed for what is left of it.
        const window = page.getByTestId('window');
        expect(await window.getAttribute('data-window')).toBe('replyWindow');
        // 24 hours after the message was sent: 21:30 the day before and the time the clicks took (seconds on a
        // loaded machine), as the timeline recorded it.
        const due = (await window.getAttribute('data-due'))!;
        const sent = await page.evaluate(() => {
          const saved = JSON.parse(localStorage.getItem('crisis-playbook/responder-console')!) as {
            current: string;
            incidents: Record<string, { snapshot: { context: { timeline: { type: string; at: string }[] } } }>;
          };
          return saved.incidents[saved.current]!.snapshot.context.timeline.at(-1)!;
        });
        expect(sent.type).toBe('message.sent');
        expect(Date.parse(sent.at) - Date.parse('2026-04-06T21:30:00Z')).toBeGreaterThanOrEqual(0);
        expect(Date.parse(sent.at) - Date.parse('2026-04-06T21:30:00Z')).toBeLessThan(60_000);
        expect(due).toBe(new Date(Date.parse(sent.at) + 24 * 3_600_000).toISOString());
        await page.reload();
        await expect.poll(rungOf).toBe('directMessage');
        expect(await timelineLength()).toBe(index + 1);
        expect(await window.getAttribute('data-due')).toBe(due);
        // What is left, as the page counts it: the due time less the page's clock, in whole
        // seconds. The clock is stopped a little ahead, so that the count can be compared exactly.
        const stopAt = (await page.evaluate(() => Date.now())) + 5_000;
        await page.clock.pauseAt(stopAt);
        const shownLeft = async () => {
          const [, hours, minutes, seconds] = /^(\d+) h (\d+) min (\d+) s left$/.exec((await page.getByTestId('window-left').textContent())!)!;
          return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
        };
        await expect.poll(shownLeft).toBe(Math.floor((Date.parse(due) - stopAt) / 1000) * 1000);
        const shown = await shownLeft();
        await page.clock.resume();
        expect(shown).toBeGreaterThan(23.5 * 3_600_000);
        expect(await highlighted()).toEqual(step.highlighted);
      }
      if (index === 9) {
        await page.clock.pauseAt(new Date('2026-04-07T17:50:00Z'));
        await screenshot('docs/images/console-mid-incident.png');
        await page.clock.resume();
      }
    }
    expect(await rungOf()).toBe('resolved');
    expect(await topRecommendation()).toBe('Keep your word');
    expect(await page.getByTestId('outcome').textContent()).toBe('Outcome: Resolved, after an apology.');
    expect(await page.getByRole('list', { name: 'Events available now' }).count()).toBe(0);
    // The timeline, newest first, in local time.
    const times = await page.locator('[data-testid=timeline] time').evaluateAll((elements) => elements.map((element) => element.getAttribute('datetime')!));
    expect(times).toHaveLength(12);
    expect([...times].sort().reverse()).toEqual(times);
    expect(await page.locator('[data-testid=timeline] > li').first().textContent()).toContain('call.completed');
    await screenshot('docs/images/console-resolved.png');
  });

  it('re-arms a window after a reload and lets it run out on time', async () => {
    await page.getByRole('button', { name: 'New incident' }).click();
    await expect.poll(rungOf).toBe('gatheringInfo');
    await fillForm({ type: 'assessment.complete' });
    await submit('assessment.complete');
    await expect.poll(rungOf).toBe('directMessage');
    const due = await page.getByTestId('window').getAttribute('data-due');
    await page.reload();
    await expect.poll(rungOf).toBe('directMessage');
    expect(await page.getByTestId('window').getAttribute('data-due')).toBe(due);
    await clockTo(new Date(Date.parse(due!) + 1000).toISOString());
    // Nobody in the group: when the reply window runs out, the ladder goes to monitoring.
    await expect.poll(rungOf).toBe('monitoring');
    expect(await page.locator('[data-testid=timeline] > li').first().textContent()).toContain('replyWindow ran out');
    expect(await highlighted()).toEqual(['community_quiet', 'monitoring', 'safety_none']);
    // The incident list keeps both incidents.
    expect(await page.locator('#incident-select option').count()).toBe(2);
  });

  it('shows every issue of a broken JSON playbook, and runs a valid one', async () => {
    const good = JSON.parse(readFileSync(join(root, 'examples/json-playbook/playbook.json'), 'utf8')) as Record<string, unknown> & { windows: Record<string, { duration: string }>; ladder: { initial: string } };
    const broken = { ...good, title: '', windows: { ...good.windows, replyWindow: { ...good.windows['replyWindow']!, duration: 'soon' } }, ladder: { ...good.ladder, initial: 'nowhere' } };
    const issues = safeParsePlaybook(broken);
    expect(issues.success).toBe(false);
    const expectedIssues = issues.success ? [] : issues.error.issues;
    expect(expectedIssues.length).toBeGreaterThanOrEqual(3);
    const before = await stored();
    await page.locator('#playbook-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    const list = page.getByTestId('playbook-issues');
    await list.waitFor();
    expect(await list.locator('li').count()).toBe(expectedIssues.length);
    const shown = await list.locator('li').allTextContents();
    for (const [index, issue] of expectedIssues.entries()) expect(shown[index]).toContain(issue.message);
    expect(await page.getByRole('heading', { name: /broken\.json is not a valid playbook/ }).textContent()).toContain(`${expectedIssues.length} issues`);
    expect(await page.getByTestId('playbook-title').textContent()).toBe(defaultPlaybook.title);
    expect(await stored()).toBe(before);

    await page.locator('#playbook-file').setInputFiles({ name: 'not-json.json', mimeType: 'application/json', buffer: Buffer.from('{ nope') });
    await expect.poll(() => list.locator('li').allTextContents()).toEqual([expect.stringContaining('not-json.json is not JSON')]);

    await page.locator('#playbook-file').setInputFiles({ name: 'playbook.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
    await expect.poll(() => page.getByTestId('playbook-title').textContent()).toBe(good['title']);
    expect(await list.count()).toBe(0);
    expect(await rungOf()).toBe(good.ladder.initial);
    expect(await highlighted()).toContain(good.ladder.initial);
    await fillForm({ type: 'assessment.complete' });
    await submit('assessment.complete');
    await expect.poll(timelineLength).toBe(1);
    const rung = await rungOf();
    // Reloaded, the console comes back on the JSON playbook and its incident.
    await page.reload();
    await expect.poll(() => page.getByTestId('playbook-title').textContent()).toBe(good['title']);
    expect(await rungOf()).toBe(rung);
    expect(await timelineLength()).toBe(1);
    // And back to the default playbook, with its incident as it was.
    await page.getByRole('button', { name: 'Use the default playbook' }).click();
    await expect.poll(() => page.getByTestId('playbook-title').textContent()).toBe(defaultPlaybook.title);
    expect(await rungOf()).toBe('monitoring');
  });

  it('counts down to the first-response reminder of a threat of violence, then flags it overdue, recorded once and without a move', async () => {
    await page.getByRole('button', { name: 'New incident' }).click();
    await expect.poll(rungOf).toBe('gatheringInfo');
    await fillForm({ type: 'threat.reported', kind: 'violence' });
    await submit('threat.reported');
    await expect.poll(timelineLength).toBe(1);
    // Critical: the first response is due 15 minutes after the opening.
    const reminder = page.getByTestId('reminder');
    await expect.poll(() => reminder.getAttribute('data-overdue')).toBe('false');
    const due = (await reminder.getAttribute('data-due'))!;
    expect(await reminder.textContent()).toMatch(/^First response \(Critical severity\): due .+, \d+ min \d+ s left$/);
    await clockTo(new Date(Date.parse(due) + 60_000).toISOString());
    await expect.poll(() => reminder.getAttribute('data-overdue')).toBe('true');
    expect(await reminder.textContent()).toMatch(/overdue by 1 min/);
    // Recorded once in the timeline, and the ladder has not moved.
    await expect.poll(timelineLength).toBe(2);
    expect(await page.locator('[data-testid=timeline] > li').first().textContent()).toContain('reminder.due');
    expect(await rungOf()).toBe('gatheringInfo');
  });

  it('sends the incident to the XState inspector with ?inspect, through the library\'s options: the whole machine, personal data redacted', async () => {
    const inspected = await session.newPage({ width: 1280, height: 900 });
    // The hosted inspector cannot be reached here: its window is a stand-in that keeps what the page posts to it.
    await inspected.addInitScript(() => {
      const messages: unknown[] = [];
      Object.assign(window, { inspected: messages });
      window.open = ((url: string) => {
        Object.assign(window, { inspectorUrl: String(url) });
        setTimeout(() => window.postMessage({ type: '@statelyai.connected' }, '*'), 0);
        return { postMessage: (message: unknown) => messages.push(message) } as unknown as Window;
      }) as typeof window.open;
    });
    const errors: string[] = [];
    inspected.on('pageerror', (error) => errors.push(error.message));
    await inspected.goto(`${consoleUrl()}?inspect`);
    await inspected.getByRole('button', { name: 'community.supported', exact: true }).click();
    await inspected.getByLabel(labelOf('community.supported', 'note')).fill('Jane Doe, 555-0100, says they know where she lives');
    await inspected.getByRole('button', { name: 'Record community.supported' }).click();
    await expect.poll(() => inspected.getByTestId('track-community').getAttribute('data-state')).toBe('supported');
    expect(await inspected.evaluate(() => (window as unknown as { inspectorUrl: string }).inspectorUrl)).toBe('https://stately.ai/inspect');
    type Message = { type: string; event?: Record<string, unknown>; definition?: string };
    const sent = () => inspected.evaluate(() => (window as unknown as { inspected: unknown[] }).inspected as Message[]);
    const recorded = (messages: Message[]) => messages.find((message) => message.type === '@xstate.event' && message.event?.['type'] === 'community.supported');
    // The inspector sends when the page is idle.
    await expect.poll(async () => recorded(await sent()) !== undefined).toBe(true);
    const messages = await sent();
    const text = JSON.stringify(messages);
    expect(recorded(messages)!.event!['note']).toBe('[redacted]');
    expect(text).not.toContain('Jane Doe');
    expect(text).not.toContain('555-0100');
    // The whole definition, down to the drafts of the advice (the inspector's default depth of 10 cuts them off).
    const actor = messages.find((message) => message.type === '@xstate.actor');
    expect(actor?.definition).toContain('Ask to join the group, then wait for the answer');
    expect(actor?.definition).toContain('Note for your colleague to pass on');
    expect(errors).toEqual([]);
    await inspected.close();
  });

  it('stays usable with damaged, older or unsaveable incidents in the browser: it lists them, says why one cannot be restored, and says when it cannot save', async () => {
    await page.getByRole('button', { name: 'New incident' }).click();
    await expect.poll(rungOf).toBe('gatheringInfo');
    const before = (await stored())!;
    await page.evaluate(() => {
      const key = 'crisis-playbook/responder-console';
      const saved = JSON.parse(localStorage.getItem(key)!) as { current: string; incidents: Record<string, unknown> };
      const current = saved.incidents[saved.current] as { playbook: { id: string; version: string } };
      saved.incidents['damaged-null'] = null;
      saved.incidents['damaged-empty'] = { playbook: current.playbook };
      saved.incidents['older'] = { ...current, playbook: { ...current.playbook, version: '0.9.0' } };
      localStorage.setItem(key, JSON.stringify(saved));
    });
    try {
      // It used to render nothing at all, at every reload.
      await page.reload();
      await expect.poll(rungOf).toBe('gatheringInfo');
      expect(await page.locator('#incident-select option').allTextContents()).toContain('An incident that cannot be read');
      const current = await page.locator('#incident-select').inputValue();
      // An incident of another version of the playbook is listed, and restoring it says why it cannot be.
      await page.locator('#incident-select').selectOption('older');
      await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual([expect.stringMatching(/^This incident cannot be restored: unknown_playbook_version[\s\S]*"0\.9\.0" is not registered/)]);
      await page.locator('#incident-select').selectOption(current);
      await expect.poll(rungOf).toBe('gatheringInfo');
      // The browser's storage full: the console says the incident is no longer saved.
      await page.evaluate(() => {
        let chunk = 'x'.repeat(1 << 20);
        for (let index = 0; chunk.length > 0; index++) {
          try {
            localStorage.setItem(`filler-${index}`, chunk);
          } catch {
            chunk = chunk.slice(0, Math.floor(chunk.length / 2));
          }
        }
      });
      await fillForm({ type: 'assessment.complete' });
      await submit('assessment.complete');
      await expect.poll(rungOf).toBe('directMessage');
      await expect.poll(() => page.getByTestId('save-failed').isVisible()).toBe(true);
    } finally {
      await page.evaluate((text) => {
        localStorage.clear();
        localStorage.setItem('crisis-playbook/responder-console', text);
      }, before);
    }
  });

  it('ran without errors in the console of the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});

describe('examples/inspector-browser in headless Chromium', () => {
  it('runs the reference case, step by step, without console errors', async () => {
    const example = await session.newPage({ width: 1024, height: 768 });
    const errors: string[] = [];
    example.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    example.on('pageerror', (error) => errors.push(error.message));
    // A pop-up left open puts the page in the background, where Chromium slows it down.
    example.on('popup', (opened) => void opened.close());
    // The inspector's window opens on the hosted inspector (which this machine cannot reach).
    const requested: string[] = [];
    const onRequest = (request: { url(): string }) => requested.push(request.url());
    session.context.on('request', onRequest);
    await example.goto(`${server.url}inspector-browser/index.html`);
    for (let step = 0; step < referenceCase.length; step++) await example.getByRole('button', { name: 'Next event' }).click();
    const steps = await example.locator('#steps li').allTextContents();
    expect(steps).toHaveLength(referenceCase.length);
    expect(steps[1]).toBe('assessment.complete → requestingAccess (Ask to join the group, then wait for the answer)');
    expect(steps.at(-1)).toMatch(/^call\.completed → resolved/);
    expect(await example.getByRole('button', { name: 'Next event' }).isDisabled()).toBe(true);
    session.context.off('request', onRequest);
    expect(requested).toContain('https://stately.ai/inspect');
    expect(errors).toEqual([]);
    await example.close();
  });
});

describe('the screenshots', () => {
  it.each(screenshots)('%s is in the repository (SCREENSHOTS=write npm run screenshots writes them)', (file) => {
    expect(existsSync(join(root, file))).toBe(true);
    const png = readFileSync(join(root, file));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1280);
  });
});
