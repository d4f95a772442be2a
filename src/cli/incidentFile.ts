import { closeSync, existsSync, fsyncSync, lstatSync, openSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { IncidentRuntime, StoredIncident } from '../server.js';
import { quote } from '../quote.js';
import { isPlaybookFile, playbookNotIncident, readText, short, UserError, userErrorOf } from './io.js';
import { isAlive, LockFile, scratchName, staleLockMs } from './lockFile.js';

/**
 * The incident file `walk` keeps. Several processes may work on one file: every change is
 * made under a lock file, on the document as it is on disk at that moment (re-read when
 * another process changed it), and written atomically: a temporary file, flushed to disk,
 * renamed over the old one. A process killed at any moment leaves the old or the new file,
 * and at worst a lock and a temporary file that the next run removes.
 */
export class IncidentFile {
  /** As given, for messages. */
  readonly path: string;
  readonly #target: string;
  readonly #directory: string;
  /** `<directory>/.<name>.`: temporary files are `<prefix><pid>-<random>.tmp`, the lock `<prefix>lock`. */
  readonly #prefix: string;
  readonly #runtime: IncidentRuntime;
  readonly #onWait: (() => void) | undefined;
  readonly #cancelled: (() => boolean) | undefined;
  /** The text this process last read or wrote, to tell whether someone else changed the file. */
  #text: string | undefined;
  #current: StoredIncident | undefined;

  /**
   * `onWait` is called when another process holds the lock for more than a second; while
   * `cancelled()` says so, a wait for the lock ends with {@link WaitCancelled}.
   */
  constructor(path: string, runtime: IncidentRuntime, onWait?: () => void, cancelled?: () => boolean) {
    this.path = path;
    this.#onWait = onWait;
    this.#cancelled = cancelled;
    this.#target = realTarget(path);
    this.#directory = dirname(this.#target);
    this.#prefix = join(this.#directory, `.${basename(this.#target)}.`);
    this.#runtime = runtime;
  }

  /** The newest document this process has seen. */
  get current(): StoredIncident | undefined {
    return this.#current;
  }

  exists(): boolean {
    return existsSync(this.#target);
  }

  /**
   * The document as it is now (no lock needed: writers replace the file in one rename), and
   * whether it changed since this process last read or wrote it.
   */
  read(): { incident: StoredIncident; changed: boolean } {
    const text = readText(this.#target, 'incident file', this.path);
    const changed = text !== this.#text;
    if (changed) this.#adopt(text);
    return { incident: this.#current!, changed };
  }

  /** Creates the file with `make()` unless another process created it first; true if this one did. */
  async create(make: () => StoredIncident): Promise<boolean> {
    let created = false;
    await this.#locked((lock) => {
      if (this.exists()) {
        this.read();
        return true;
      }
      created = this.#commit(make(), lock);
      return created;
    });
    return created;
  }

  /**
   * Applies `change` to the newest document under the lock and saves what it returns when
   * `changed`. `changedMeanwhile` says whether another process changed the file since this
   * one last read or wrote it: `change` is then applied to that newer document. `change` must
   * be pure; when it throws, nothing is written and {@link current} is the newest document.
   */
  async update<T extends { readonly incident: StoredIncident; readonly changed: boolean }>(
    change: (current: StoredIncident, changedMeanwhile: boolean) => T,
  ): Promise<T> {
    let result: T | undefined;
    await this.#locked((lock) => {
      const { incident, changed } = this.read();
      result = change(incident, changed);
      return !result.changed || this.#commit(result.incident, lock);
    });
    return result!;
  }

  /** Runs `step` under the lock until it completes while still holding it (see {@link LockFile.holds}). */
  async #locked(step: (lock: LockFile) => boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const lock = new LockFile(`${this.#prefix}lock`, this.#prefix);
      await lock.acquire(this.#onWait, this.#cancelled);
      try {
        this.#removeLeftovers();
        if (step(lock)) return;
      } finally {
        lock.release();
      }
      if (attempt >= 5) throw new UserError(`cannot save ${quote(this.path)}: its lock was taken over repeatedly`);
    }
  }

  #adopt(text: string): void {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new UserError(`incident file ${quote(this.path)} is not valid JSON: ${short((error as Error).message)}`);
    }
    if (isPlaybookFile(document)) throw playbookNotIncident(this.path);
    try {
      this.#current = this.#runtime.parse(document);
    } catch (error) {
      throw userErrorOf(error, `incident file ${quote(this.path)}`);
    }
    this.#text = text;
  }

  /** Writes atomically; false (and nothing written) when the lock was broken meanwhile. */
  #commit(incident: StoredIncident, lock: LockFile): boolean {
    const text = `${JSON.stringify(incident, null, 2)}\n`;
    const temporary = scratchName(this.#prefix);
    try {
      // Keep the permissions of the file being replaced (an incident file holds personal data).
      const mode = this.exists() ? statSync(this.#target).mode & 0o777 : 0o666;
      const fd = openSync(temporary, 'wx', mode);
      try {
        writeFileSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (!lock.holds()) {
        rmSync(temporary, { force: true });
        return false;
      }
      renameSync(temporary, this.#target);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw new UserError(`cannot write ${quote(this.path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    syncDirectory(this.#directory);
    this.#text = text;
    this.#current = incident;
    return true;
  }

  /**
   * Removes temporary files of this incident file left by processes killed while saving.
   * Called under the lock, when no other process can be writing one.
   */
  #removeLeftovers(): void {
    const prefix = basename(this.#prefix);
    let names: string[];
    try {
      names = readdirSync(this.#directory);
    } catch {
      return;
    }
    for (const name of names) {
      // Also `.<name>.<pid>.tmp`, the form of earlier versions.
      const pid = name.startsWith(prefix) ? /^(\d+)(?:-[0-9a-f]+)?\.tmp$/.exec(name.slice(prefix.length))?.[1] : undefined;
      if (pid === undefined) continue;
      const path = join(this.#directory, name);
      try {
        const old = Date.now() - statSync(path).mtimeMs > staleLockMs;
        if (Number(pid) === process.pid || !isAlive(Number(pid)) || old) rmSync(path, { force: true });
      } catch {
        // Gone meanwhile.
      }
    }
  }
}

/** The file a path leads to, so that every process locks the same file whatever link it came through. */
function realTarget(path: string, depth = 0): string {
  try {
    return realpathSync(path);
  } catch {
    // A link to a file not made yet: the file it names is the one to make (a link followed
    // 40 times is a loop, as the system counts them).
    try {
      if (depth < 40 && lstatSync(path).isSymbolicLink()) return realTarget(resolve(dirname(path), readlinkSync(path)), depth + 1);
    } catch {
      // No link there.
    }
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/** Flushes the rename itself to disk; some platforms cannot open a directory, and do not need to. */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR / EPERM on Windows.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
