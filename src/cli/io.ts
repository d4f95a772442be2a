import { existsSync, readFileSync } from 'node:fs';
import { defaultPlaybook, formatIssues, formatPath, IncidentError, type Issue, type PlaybookDefinition } from '../index.js';
import { compilePlaybook, safeParsePlaybook } from '../authoring.js';
import { createIncidentRuntime, type IncidentRuntime } from '../server.js';
import { quote } from '../quote.js';
import { inert } from './terminal.js';

/** A mistake of the user (bad file, bad JSON, unknown rung): printed as one line, exit code 1. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A message from elsewhere (a JSON parser, the library) as one inert line of a sensible length. */
export function short(message: string, max = 1000): string {
  const text = inert(message);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The file's text; `shownAs` is the path as the user gave it, for messages. */
export function readText(path: string, what: string, shownAs = path): string {
  if (!existsSync(path)) throw new UserError(`${what} ${quote(shownAs)} does not exist`);
  try {
    // Editors on Windows often start files with a byte-order mark.
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UserError(`cannot read ${what} ${quote(shownAs)}: ${(error as NodeJS.ErrnoException).code ?? short((error as Error).message)}`);
  }
}

export function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${what} ${quote(path)} is not valid JSON: ${short((error as Error).message)}`);
  }
}

export interface LoadedPlaybook {
  readonly definition: PlaybookDefinition;
  readonly runtime: IncidentRuntime;
  readonly machine: ReturnType<typeof compilePlaybook>;
}

/** Whether a parsed file is a stored incident (its `format` says so). */
export function isIncidentFile(document: unknown): boolean {
  return typeof document === 'object' && document !== null && (document as { format?: unknown }).format === 'crisis-playbook/incident';
}

/** Whether a parsed file looks like a playbook: no `format`, a `ladder` and `events`. */
export function isPlaybookFile(document: unknown): boolean {
  return typeof document === 'object' && document !== null && !('format' in document) && 'ladder' in document && 'events' in document;
}

/** The error for an incident file given where a playbook is expected. */
export function incidentNotPlaybook(path: string): UserError {
  return new UserError(`${quote(path)} is an incident file, not a playbook: "crisis-playbook status ${path}" shows it, and walk takes it with --file`);
}

/** The error for a playbook given where an incident file is expected. */
export function playbookNotIncident(path: string, incident = 'with --file (walk) or as the file (status)'): UserError {
  return new UserError(`${quote(path)} is a playbook, not an incident file: give it with --playbook, and the incident ${incident}`);
}

/** The JSON of the playbook file `path`, refused with one clear line when it is an incident file. */
export function readPlaybookDocument(path: string): unknown {
  const document = readJson(path, 'playbook');
  if (isIncidentFile(document)) throw incidentNotPlaybook(path);
  return document;
}

export function loadPlaybook(path: string | undefined): LoadedPlaybook {
  let definition: PlaybookDefinition = defaultPlaybook;
  if (path !== undefined) {
    const document = readPlaybookDocument(path);
    const result = safeParsePlaybook(document);
    if (!result.success) {
      const [first, ...others] = result.error.issues;
      const more = others.length > 0 ? ` and ${others.length} more issue(s)` : '';
      throw new UserError(
        `playbook ${quote(path)} is invalid: ${short(formatIssues([first!]).slice(2))}${more} (run "crisis-playbook check ${path}")`,
      );
    }
    definition = result.data;
  }
  const machine = compilePlaybook(definition);
  return { definition, machine, runtime: createIncidentRuntime({ playbooks: [machine] }) };
}

/** The first issue as `path: message (code)`, short. */
export function describeIssue(issue: Issue | undefined, code: string): string {
  const at = issue && issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
  return `${at}${short(issue?.message ?? code)} (${code})`;
}

/** Turns an IncidentError into a one-line user error. */
export function userErrorOf(error: unknown, where: string): unknown {
  if (!(error instanceof IncidentError)) return error;
  // The CLI knows one playbook: the default one, or the one given with --playbook. Say how to
  // give it the incident's (the library's own advice, a runtime's "migrate" hook, is not for here).
  if (error.code === 'unknown_playbook_version') {
    const started = /^Playbook (".*") version (".*") is not registered/.exec(error.issues[0]?.message ?? '');
    const which = started ? ` (${started[1]} version ${started[2]})` : '';
    return new UserError(`${where}: it was started with another version of this playbook${which}; give that version's file with --playbook <file>`);
  }
  if (error.code === 'unknown_playbook') {
    const builtIn = error.issues[0]?.message.startsWith(`Playbook "${defaultPlaybook.id}" `) === true;
    const hint = builtIn ? 'it runs on the built-in playbook: leave out --playbook' : 'it runs on another playbook: give its file with --playbook <file>';
    return new UserError(`${where}: ${describeIssue(error.issues[0], error.code)}; ${hint}`);
  }
  return new UserError(`${where}: ${describeIssue(error.issues[0], error.code)}`);
}
