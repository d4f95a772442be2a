import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { quote } from '../quote.js';
import { UserError } from './io.js';

/** A lock held longer than this is taken to be left over (a suspended process, a reused pid). */
export const staleLockMs = 30_000;
/** A lock file still empty after this was left by a process killed between creating and filling it. */
const emptyLockMs = 2_000;

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

/** Whether the process is running (on this machine). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A name in the same directory no other process uses: `<prefix><pid>-<random>.tmp`. */
export function scratchName(prefix: string): string {
  return `${prefix}${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A lock file created with O_EXCL, holding the owner's pid, host and a random token. A lock
 * whose owner is dead (same host), that stayed empty, or that is older than
 * {@link staleLockMs} is broken, so a killed process never blocks the next run for long.
 */
export class LockFile {
  readonly #path: string;
  readonly #scratchPrefix: string;
  readonly #token = randomBytes(12).toString('hex');

  /** `scratchPrefix`: where a broken lock is moved before it is removed (see {@link scratchName}). */
  constructor(path: string, scratchPrefix: string) {
    this.#path = path;
    this.#scratchPrefix = scratchPrefix;
  }

  /** Takes the lock, waiting for its holder; `onWait` is called once if that takes over a second. */
  async acquire(onWait?: () => void, cancelled?: () => boolean): Promise<void> {
    const content = JSON.stringify({ pid: process.pid, host: hostname(), token: this.#token, since: new Date().toISOString() });
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      if (Date.now() - started > 2 * staleLockMs) {
        throw new UserError(`${quote(this.#path)} stays locked by another crisis-playbook process; if none is running, delete that file`);
      }
      let fd: number;
      try {
        fd = openSync(this.#path, 'wx');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new UserError(`the directory ${quote(dirname(this.#path))} does not exist: create it, or give a file in a directory that does`);
        if (code !== 'EEXIST') throw new UserError(`cannot create the lock file ${quote(this.#path)}: ${code ?? (error as Error).message}`);
        // Holders keep the lock for one save (milliseconds): retry soon, with jitter.
        if (this.#breakIfStale()) continue;
        if (onWait && Date.now() - started > 1000) {
          onWait();
          onWait = undefined;
        }
        // Ctrl-C while waiting: nothing is written yet, so nothing is lost by stopping now.
        if (cancelled?.()) throw new WaitCancelled();
        await sleep(5 + Math.random() * Math.min(50, 5 * attempt));
        continue;
      }
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      return;
    }
  }

  /** Whether this process still holds the lock (it may have been broken as stale meanwhile). */
  holds(): boolean {
    return this.#owner(this.#read())?.token === this.#token;
  }

  release(): void {
    if (this.holds()) rmSync(this.#path, { force: true });
  }

  /** The lock's content; `undefined` when there is no lock, `null` when it cannot be read (then it is waited for). */
  #read(): string | undefined | null {
    try {
      return readFileSync(this.#path, 'utf8');
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
    }
  }

  #owner(content: string | undefined | null): Owner | undefined {
    try {
      const owner = JSON.parse(content ?? '') as Partial<Owner>;
      const valid = Number.isSafeInteger(owner.pid) && owner.pid! > 0 && typeof owner.host === 'string' && typeof owner.token === 'string';
      return valid ? (owner as Owner) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Breaks the lock if it is stale; true when the caller should try to take it again at once. */
  #breakIfStale(): boolean {
    let modified: number;
    try {
      modified = statSync(this.#path).mtimeMs;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT'; // released meanwhile
    }
    const content = this.#read();
    if (content === undefined) return true;
    if (content === null) return false;
    const owner = this.#owner(content);
    const age = Date.now() - modified;
    // A lock with our own pid but not our token was left by an earlier process with that pid.
    const dead = (pid: number) => pid === process.pid || !isAlive(pid);
    const stale = age > staleLockMs || (owner === undefined ? age > emptyLockMs : owner.host === hostname() && dead(owner.pid));
    if (!stale) return false;
    // Move the lock aside before removing it: if another process broke it and took a fresh
    // lock since we looked, we moved that fresh lock, and we put it back.
    const aside = scratchName(this.#scratchPrefix);
    try {
      renameSync(this.#path, aside);
    } catch {
      return true;
    }
    try {
      if (readFileSync(aside, 'utf8') !== content) linkSync(aside, this.#path);
    } catch {
      // Someone took the lock meanwhile; its holder sees it lost it before it writes.
    } finally {
      rmSync(aside, { force: true });
    }
    return true;
  }
}

/** Thrown by {@link LockFile.acquire} when its wait was cancelled (Ctrl-C): the lock was not taken. */
export class WaitCancelled extends Error {
  constructor() {
    super('The wait for the lock was cancelled');
  }
}
