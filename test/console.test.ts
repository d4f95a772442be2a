// The parts of the responder console (examples/responder-console) that need no browser: forms
// from the payload specification, playbooks from files, and the docs that show it. The page
// itself is tested in headless Chromium (console.browser.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEventParser, defaultPlaybook } from 'crisis-playbook';
import { eventOf, formFields, issuesByField } from '../examples/responder-console/src/forms.js';
import { loadDefaultPlaybook, loadPlaybookDocument, loadPlaybookText, titleOf } from '../examples/responder-console/src/playbook.js';

const parser = createEventParser(defaultPlaybook);
const jsonPlaybook = readFileSync(new URL('../examples/json-playbook/playbook.json', import.meta.url), 'utf8');

describe('the console\'s forms', () => {
  it('are made from the payload specification, with the playbook\'s questions as labels', () => {
    expect(formFields(defaultPlaybook, 'call.completed')).toEqual([
      { key: 'apology', path: ['apology'], label: 'Did the organisation apologise?', kind: 'boolean', optional: false },
      { key: 'agreement', path: ['agreement'], label: 'Did you reach an agreement with the person?', kind: 'boolean', optional: false },
      { key: 'by', path: ['by'], label: 'Recorded by', kind: 'text', optional: true },
      { key: 'note', path: ['note'], label: 'Note for the timeline', kind: 'longText', optional: true },
    ]);
    expect(formFields(defaultPlaybook, 'contact.received')[0]).toMatchObject({ kind: 'enum', options: ['phone', 'message', 'email', 'in-person'], optional: false });
    // The payload's own note field takes the place of the timeline note.
    expect(formFields(defaultPlaybook, 'community.supported').map((field) => field.label)).toEqual(['What did the supporters say?', 'Recorded by']);
    const facts = formFields(defaultPlaybook, 'facts.update').filter((field) => field.group !== undefined);
    expect(facts.map((field) => field.key)).toEqual(['facts.witnessed', 'facts.knowsPoster', 'facts.connectedToPoster', 'facts.venue', 'facts.memberOfVenue', 'facts.insiderInVenue']);
    expect(facts[3]).toMatchObject({ kind: 'enum', options: ['personal-feed', 'public-group', 'private-group', 'unknown'] });
    // A field without a question is asked from the event's description.
    const json = loadPlaybookText(jsonPlaybook, 'playbook.json');
    if (!json.success) throw new Error('expected the example playbook to load');
    expect(formFields(json.data.definition, 'message.replied')[0]!.label).toBe('The person answered the private message: what phone?');
  });

  it('give the event the parser accepts, leaving empty fields out', () => {
    const fields = formFields(defaultPlaybook, 'facts.update');
    const event = eventOf('facts.update', fields, { 'facts.venue': 'private-group', 'facts.witnessed': 'no', 'facts.insiderInVenue': 'yes', by: 'Ana', note: '' });
    expect(event).toEqual({ type: 'facts.update', facts: { venue: 'private-group', witnessed: false, insiderInVenue: true }, by: 'Ana' });
    expect(parser.safeParse(event).success).toBe(true);
  });

  it('put each issue of the parser next to its field, and the rest above the form', () => {
    const fields = formFields(defaultPlaybook, 'call.completed');
    const parsed = parser.safeParse(eventOf('call.completed', fields, { apology: 'yes', by: 'A'.repeat(500) }));
    expect(parsed.success).toBe(false);
    const issues = issuesByField(parsed.success ? [] : parsed.error.issues, fields);
    expect([...issues.keys()].sort()).toEqual(['agreement', 'by']);
    expect(issues.get('agreement')![0]).toMatch(/boolean/);
    expect(issuesByField([{ code: 'unrecognized_keys', path: ['extra'], message: 'Unknown key' }] as never, fields).get('')).toEqual(['extra: Unknown key']);
  });
});

describe('the console\'s playbooks', () => {
  it('runs the default playbook on its own machine', () => {
    const loaded = loadDefaultPlaybook();
    expect(loaded.definition).toBe(defaultPlaybook);
    expect(titleOf(loaded.definition, 'directMessage')).toBe('Private message');
    expect(titleOf(loaded.definition, 'supported')).toBe('Community supportive');
  });

  it('loads a JSON playbook, and lists every issue of a broken one', () => {
    const good = JSON.parse(jsonPlaybook) as Record<string, unknown>;
    const loaded = loadPlaybookDocument(good, 'playbook.json');
    expect(loaded.success && loaded.data.definition.id).toBe('riverside-school');
    const broken = loadPlaybookDocument({ ...good, title: '', ladder: { ...(good['ladder'] as object), initial: 'nowhere' } }, 'broken.json');
    expect(broken.success).toBe(false);
    expect(broken.success ? [] : broken.issues.map((issue) => issue.path.join('.'))).toEqual(expect.arrayContaining(['title', 'ladder.initial']));
    const notJson = loadPlaybookText('{ nope', 'nope.json');
    expect(notJson.success ? [] : notJson.issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/^nope\.json is not JSON: /)]);
  });
});

describe('the console in the README and docs', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const guide = readFileSync(new URL('../docs/console.md', import.meta.url), 'utf8');
  const images = ['console-start.png', 'console-mid-incident.png', 'console-resolved.png', 'default-playbook.svg'];

  it('shows the screenshots and the SVG diagram, which are there', () => {
    for (const image of images) {
      expect(existsSync(new URL(`../docs/images/${image}`, import.meta.url)), image).toBe(true);
      expect(guide).toContain(`](images/${image})`);
    }
    expect(readme).toContain('](https://raw.githubusercontent.com/crisis-playbook/crisis-playbook/main/docs/images/console-mid-incident.png)');
    expect(readme).toMatch(/!\[[^\]]+\]\(https:\/\/raw\.githubusercontent\.com\/crisis-playbook\/crisis-playbook\/main\/docs\/images\/default-playbook\.svg\?sanitize=true\)/);
  });

  it('starts with what the library is, then the two set-up commands', () => {
    const [, intro, commands] = /^# crisis-playbook\n\n([\s\S]+?)\n\n```sh\n([\s\S]+?)```/.exec(readme)!;
    expect(intro).toMatch(/^`crisis-playbook` is /);
    expect(commands!.trim().split('\n')).toHaveLength(2);
    expect(readme).toContain('npm run console');
  });
});

describe('the console\'s packages', () => {
  it('are development dependencies of the repository, pinned, never dependencies of the package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string> | string[] | undefined>;
    const consolePackages = ['vite', 'react', 'react-dom', '@xstate/react', '@types/react', '@types/react-dom'];
    for (const name of consolePackages) {
      expect((pkg['devDependencies'] as Record<string, string>)[name], name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(Object.keys({ ...(pkg['dependencies'] as object), ...(pkg['peerDependencies'] as object), ...(pkg['optionalDependencies'] as object) })).not.toContain(name);
    }
    expect(pkg['files']).toEqual(['dist', 'schema', 'CHANGELOG.md']);
    expect((pkg['scripts'] as unknown as Record<string, string>)['console']).toBe('tsx examples/responder-console/main.ts');
  });
});

