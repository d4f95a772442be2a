import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  compilePlaybook,
  createIncidentRuntime,
  defaultPlaybook,
  formatIssues,
  IncidentError,
  validatePlaybook,
  type IncidentRuntime,
  type PlaybookDefinition,
} from '../index.js';

/** A mistake of the user (bad file, bad JSON, unknown rung): printed as one line, exit code 1. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new UserError(`${what} ${JSON.stringify(path)} does not exist`);
  try {
    // Editors on Windows often start files with a byte-order mark.
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UserError(`cannot read ${what} ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
}

export function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${what} ${JSON.stringify(path)} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Writes atomically (temporary file, then rename), so a kill mid-write never corrupts a file. */
export function writeJson(path: string, value: unknown): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UserError(`cannot write ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export interface LoadedPlaybook {
  readonly definition: PlaybookDefinition;
  readonly runtime: IncidentRuntime;
  readonly machine: ReturnType<typeof compilePlaybook>;
}

export function loadPlaybook(path: string | undefined): LoadedPlaybook {
  let definition: PlaybookDefinition = defaultPlaybook;
  if (path !== undefined) {
    const result = validatePlaybook(readJson(path, 'playbook'));
    if (!result.success) {
      const [first, ...others] = result.error.issues;
      const more = others.length > 0 ? ` and ${others.length} more issue(s)` : '';
      throw new UserError(
        `playbook ${JSON.stringify(path)} is invalid: ${formatIssues([first!]).slice(2)}${more} (run "crisis-playbook check ${path}")`,
      );
    }
    definition = result.data;
  }
  const machine = compilePlaybook(definition);
  return { definition, machine, runtime: createIncidentRuntime({ playbooks: [machine] }) };
}

/** Turns an IncidentError into a one-line user error. */
export function userErrorOf(error: unknown, where: string): unknown {
  if (error instanceof IncidentError) {
    const issue = error.issues[0];
    const at = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return new UserError(`${where}: ${at}${issue?.message ?? error.code} (${error.code})`);
  }
  return error;
}

export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly accent: (text: string) => string;
  readonly warn: (text: string) => string;
}

/** ANSI styles when writing to a terminal and NO_COLOR is not set; plain text otherwise. */
export function styleFor(stream: NodeJS.WriteStream): Style {
  const on = stream.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) => (on ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), accent: wrap(36, 39), warn: wrap(33, 39) };
}
