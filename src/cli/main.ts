import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatIssues, limits, type TimelineEntry } from '../index.js';
import { safeParsePlaybook } from '../authoring.js';
import { type StoredIncident } from '../server.js';
import { toMermaid } from '../visualize.js';
import { quote } from '../quote.js';
import { outcomeOf, printStatus, snapshotOf, statusOf } from './describe.js';
import { closest } from '../suggest.js';
import { either } from './choose.js';
import { describeIssue, isIncidentFile, isPlaybookFile, loadPlaybook, playbookNotIncident, readJson, readPlaybookDocument, readText, short, UserError, userErrorOf } from './io.js';
import { style, writerFor } from './terminal.js';
import { walk } from './walk.js';

const usage = `Usage: crisis-playbook <command> [options]

Commands:
  walk      Walk a responder through a live incident, saving after every event
  replay    Feed a scripted case (JSON array or JSON Lines of events) and print the path
  status    Where a saved incident stands: rung, tracks, deadlines, advice
  diagram   The playbook as a Mermaid diagram, with an incident's state highlighted
  check     Validate a playbook JSON file and list every issue

Run "crisis-playbook <command> --help" for a command's options.
Output has no colour when it is not a terminal or NO_COLOR is set.`;

const help: Record<string, string> = {
  walk: `Usage: crisis-playbook walk [--file incident.json] [--playbook custom.json] [--by name] [--json]

Asks the assessment questions, then at each rung shows where the incident stands, the top
recommendations and why, and a menu of what can happen now. The incident file is saved after
every event; running walk again on the same file resumes where it was and applies any waiting
window that ran out meanwhile. Several sessions may walk one file at once: each event is
applied to the file's newest state, under a lock. Answer "q" (or press Ctrl-C) to stop.

Options:
  --file <path>       incident file (default: incident.json)
  --playbook <path>   a custom playbook (JSON) instead of the default one
  --by <name>         who records the events (kept in the timeline)
  --json              one JSON line per recorded event on stdout (prompts go to stderr)
  -h, --help          show this help`,
  replay: `Usage: crisis-playbook replay <events.json|events.jsonl> [--playbook custom.json] [--json]

Applies the events in order to a new incident. Each event may carry "at" (ISO time); events
without it are taken one minute apart. Waiting windows that run out between events are applied.
On an invalid event, prints its line and why, and exits with 1.

Options:
  --playbook <path>   a custom playbook (JSON) instead of the default one
  --json              print the path, the outcome and the timeline as JSON
  -h, --help          show this help`,
  status: `Usage: crisis-playbook status <incident.json> [--playbook custom.json] [--json]

Prints the current rung, the side tracks, the deadlines (and whether they are overdue) and the
advice. Does not change the file.

Options:
  --playbook <path>   the custom playbook the incident runs on
  --json              print the status as JSON
  -h, --help          show this help`,
  diagram: `Usage: crisis-playbook diagram [--playbook custom.json] [--incident incident.json] [--json]

Prints the playbook as a Mermaid stateDiagram-v2; with --incident, its current rung and track
states are highlighted.

Options:
  --playbook <path>   a custom playbook (JSON) instead of the default one
  --incident <path>   highlight this incident's state
  --json              print { "mermaid": "..." }
  -h, --help          show this help`,
  check: `Usage: crisis-playbook check <playbook.json> [--json]

Validates a custom playbook and prints how many issues it has, then every one of them (shape,
references, graph), one line each with its path and code, sorted by path. Exits with 1 if
there is any.

Options:
  --json              print { "valid": boolean, "issues": [...] }
  -h, --help          show this help`,
};

const optionSpecs = {
  file: { type: 'string' },
  playbook: { type: 'string' },
  incident: { type: 'string' },
  by: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const allowed: Record<string, (keyof typeof optionSpecs)[]> = {
  walk: ['file', 'playbook', 'by', 'json', 'help'],
  replay: ['playbook', 'json', 'help'],
  status: ['playbook', 'json', 'help'],
  diagram: ['playbook', 'incident', 'json', 'help'],
  check: ['json', 'help'],
};

const out = writerFor(process.stdout);

/**
 * Runs the CLI and returns the exit code. Every failure is reported here, as one line on
 * stderr: a {@link UserError} with its own exit code, anything else with 1 (and its stack
 * trace when DEBUG is set).
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    const err = writerFor(process.stderr);
    const message = error instanceof Error ? error.message : String(error);
    err.line(`crisis-playbook: ${error instanceof UserError ? message : short(message)}`);
    if (process.env.DEBUG && error instanceof Error && error.stack) err.lines(error.stack);
    return error instanceof UserError ? error.exitCode : 1;
  }
}

/**
 * The version of the package this CLI belongs to: from the nearest package.json named
 * crisis-playbook above this module (dist/cli.js in the package, src/cli/main.ts in the repository).
 */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 4; level++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'crisis-playbook' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No package.json here: look one level up.
    }
    dir = dirname(dir);
  }
  return '(version unknown)';
}

async function run(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `help walk` as `walk --help`.
  if (command === 'help' && rest.length === 1 && Object.hasOwn(allowed, rest[0]!)) return run([rest[0]!, '--help']);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out.lines(usage);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    out.line(`crisis-playbook ${packageVersion()}`);
    return 0;
  }
  // Own keys only: `constructor` or `toString` is no command.
  const names = Object.hasOwn(allowed, command) ? allowed[command] : undefined;
  if (!names) {
    const near = closest(command, Object.keys(allowed));
    const guess = near.length > 0 ? ` (did you mean ${either(near)}?)` : '';
    throw new UserError(`unknown command ${quote(command)}${guess}; expected one of ${Object.keys(allowed).join(', ')} (see --help)`, 2);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: optionSpecs, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const option = (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '(.*?)'\. /.exec(message)?.[1] : undefined;
    if (option !== undefined) {
      // Node's own text ends in advice about positionals that starts with a dash: a typo is likelier.
      const known = names.map((name) => `--${name}`);
      const near = closest(option, known);
      const guess = near.length > 0 ? `did you mean ${either(near)}?` : `its options are ${known.join(', ')}`;
      throw new UserError(`unknown option ${quote(option)} for ${command}; ${guess} (see "crisis-playbook ${command} --help")`, 2);
    }
    throw new UserError(`${short(message.split('\n')[0]!)} (see "crisis-playbook ${command} --help")`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out.lines(help[command]!);
    return 0;
  }
  const unknown = (Object.keys(values) as (keyof typeof optionSpecs)[]).filter(
    (name) => !names.includes(name) && !(name === 'json' && values.json === false) && !(name === 'help' && !values.help),
  );
  if (unknown.length > 0) throw new UserError(`${command} does not take --${unknown[0]} (see "crisis-playbook ${command} --help")`, 2);
  const needsFile = command === 'replay' || command === 'status' || command === 'check';
  if (needsFile && positionals.length !== 1) throw new UserError(`${command} needs exactly one file (see "crisis-playbook ${command} --help")`, 2);
  if (!needsFile && positionals.length > 0) throw new UserError(`${command} takes no file argument; use the options (see --help)`, 2);

  switch (command) {
    case 'walk':
      return walk({ file: values.file ?? 'incident.json', playbook: values.playbook, by: values.by, json: values.json });
    case 'check':
      return check(positionals[0]!, values.json);
    case 'replay':
      return replay(positionals[0]!, values.playbook, values.json);
    case 'status':
      return status(positionals[0]!, values.playbook, values.json);
    default:
      return diagram(values.playbook, values.incident, values.json);
  }
}

function check(path: string, json: boolean): number {
  const result = safeParsePlaybook(readPlaybookDocument(path));
  if (json) {
    out.json(result.success ? { valid: true, issues: [] } : { valid: false, issues: result.error.issues });
    return result.success ? 0 : 1;
  }
  if (result.success) {
    const { id, version, ladder, tracks } = result.data;
    out.line(`${path}: valid playbook ${quote(id)} version ${version}: ${ladder.rungs.length} rungs, ${tracks.length} side tracks`);
    return 0;
  }
  // Every issue of every layer, one line each, in the order of the library (sorted by path).
  const count = result.error.issues.length;
  out.line(`${path}: ${count} ${count === 1 ? 'issue' : 'issues'}`);
  for (const issue of result.error.issues) out.line(formatIssues([issue]));
  return 1;
}

/** `incident`: how the command takes the incident, for the message when a playbook was given instead. */
function loadIncident(path: string, loaded: ReturnType<typeof loadPlaybook>, incident?: string): StoredIncident {
  const document = readJson(path, 'incident file');
  if (isPlaybookFile(document)) throw playbookNotIncident(path, incident);
  try {
    return loaded.runtime.parse(document);
  } catch (error) {
    throw userErrorOf(error, `incident file ${quote(path)}`);
  }
}

/** Events from a JSON array or JSON Lines, each with the line it came from. */
function readEvents(path: string): { line: number; event: unknown }[] {
  const text = readText(path, 'events file');
  if (text.trimStart().startsWith('[')) {
    let events: unknown;
    try {
      events = JSON.parse(text);
    } catch (error) {
      throw new UserError(`events file ${quote(path)} is not valid JSON: ${short((error as Error).message)}`);
    }
    if (!Array.isArray(events)) throw new UserError(`events file ${quote(path)} must hold a JSON array or JSON Lines`);
    const starts = elementLines(text);
    return events.map((event: unknown, index) => ({ line: starts[index] ?? index + 1, event }));
  }
  // An incident or a playbook given where events are expected: say so, rather than "not valid JSON" at its second line.
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    // JSON Lines, read line by line below.
  }
  if (isIncidentFile(whole)) throw new UserError(`${quote(path)} is an incident file, not events: "crisis-playbook status ${path}" shows it, and "crisis-playbook walk --file ${path}" goes on with it; replay takes a JSON array or JSON Lines of events`);
  if (isPlaybookFile(whole)) throw new UserError(`${quote(path)} is a playbook, not events: give it with --playbook; replay takes a JSON array or JSON Lines of events`);
  return text.split('\n').flatMap((raw, index) => {
    if (raw.trim() === '') return [];
    try {
      return [{ line: index + 1, event: JSON.parse(raw) as unknown }];
    } catch (error) {
      throw new UserError(`${path}:${index + 1}: not valid JSON: ${short((error as Error).message)}`);
    }
  });
}

/** The line on which each top-level element of a JSON array starts. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\n') line++;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (/\s/.test(char)) continue;
    if (depth === 1 && expectElement && char !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (char === ']' || char === '}') depth--;
    else if (char === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

function replay(path: string, playbookPath: string | undefined, json: boolean): number {
  const loaded = loadPlaybook(playbookPath);
  const events = readEvents(path);
  // Events without "at" are a minute apart; the clock starts so that the first dated event keeps its time.
  const dated = events.findIndex((e) => {
    const at = (e.event as { at?: unknown } | null)?.at;
    return typeof at === 'string' && Number.isFinite(Date.parse(at));
  });
  // Never before the earliest time an incident can be processed at (an event dated in 1970's first minute).
  let now = dated === -1 ? Date.now() : Math.max(limits.earliestTime, Date.parse((events[dated]!.event as { at: string }).at) - (dated + 1) * 60_000);
  const opened = loaded.runtime.safeOpen({ now });
  if (!opened.success) {
    const line = dated === -1 ? undefined : events[dated]!.line;
    throw new UserError(`${line === undefined ? path : `${path}:${line}`}: ${opened.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  let { incident } = opened.data;
  const path_: string[] = [loaded.definition.ladder.initial];
  for (const { line, event } of events) {
    const at = (event as { at?: unknown } | null)?.at;
    now = typeof at === 'string' && Number.isFinite(Date.parse(at)) ? Math.max(now, Date.parse(at)) : now + 60_000;
    const parsed = loaded.runtime.safeDecide(incident, event, { now });
    if (!parsed.success) throw new UserError(`${path}:${line}: ${describeIssue(parsed.error.issues[0], parsed.error.code)}`);
    incident = parsed.data.incident;
    for (const entry of parsed.data.added) if (entry.to !== path_.at(-1)) path_.push(entry.to);
  }
  const timeline = incident.snapshot.context.timeline;
  if (json) {
    out.json({ path: path_, status: incident.snapshot.status, output: incident.snapshot.output ?? null, timeline });
    return 0;
  }
  out.line(`${style.bold('Path:')} ${path_.join(' → ')}`);
  out.line(`${style.bold('Status:')} ${incident.snapshot.status}`);
  if (incident.snapshot.status === 'done') out.line(`${style.bold('Outcome:')} ${outcomeOf(loaded, incident)}`);
  out.line(style.bold('Timeline:'));
  for (const entry of timeline as readonly TimelineEntry[]) {
    const move = entry.from === entry.to ? entry.from : `${entry.from} → ${entry.to}`;
    out.line(`  ${entry.occurredAt ?? entry.at}  ${(entry.window ? `${entry.type} (${entry.window})` : entry.type).padEnd(30)} ${move}`);
  }
  return 0;
}

function status(path: string, playbookPath: string | undefined, json: boolean): number {
  const loaded = loadPlaybook(playbookPath);
  const stored = loadIncident(path, loaded);
  const current = statusOf(loaded, stored);
  if (json) {
    out.json(current);
    return 0;
  }
  printStatus(current, out);
  return 0;
}

function diagram(playbookPath: string | undefined, incidentPath: string | undefined, json: boolean): number {
  const loaded = loadPlaybook(playbookPath);
  const snapshot = incidentPath === undefined ? undefined : snapshotOf(loaded, loadIncident(incidentPath, loaded, 'with --incident'));
  const text = toMermaid(loaded.definition, snapshot ? { snapshot } : {});
  if (json) out.json({ mermaid: text });
  else out.lines(text);
  return 0;
}
