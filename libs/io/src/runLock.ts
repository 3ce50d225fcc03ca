// One training per run folder: `<dir>/lock` holds the pid (and its start time) of the process
// that trains in it. A second one refuses; a lock left by a dead process is taken over, saying so.
// Child processes of the holder (fold workers) work under its lock.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataError } from './errors';
import { isSelfOrAncestor, pidAlive, processStartTicks } from './processes';

export interface LockInfo {
  pid: number;
  startTicks?: number;
  host: string;
  since: string;
  command: string;
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined; // unreadable or half-written by a killed process: treated as stale
  }
}

function holderAlive(l: LockInfo): boolean {
  if (l.host !== os.hostname()) return true; // another machine's process: cannot tell, assume it runs
  if (!pidAlive(l.pid)) return false;
  const ticks = processStartTicks(l.pid);
  return l.startTicks === undefined || ticks === undefined || ticks === l.startTicks;
}

const held = new Set<string>();
let exitHookInstalled = false;

function releaseAll(): void {
  for (const file of held) {
    const l = readLock(file);
    if (l && l.pid === process.pid) fs.rmSync(file, { force: true });
  }
  held.clear();
}

export interface LockFileOptions {
  /** The error when another live process holds the lock. */
  busy: (holder: LockInfo) => Error;
  /** A lock held by an ancestor of this process (the parent of a fold worker) counts as held by this one. @default false */
  shareWithAncestors?: boolean;
}

/**
 * Take `file` as a lock for this process (released at exit, or by releaseLockFile): the pid, its
 * start time, host, time and command. Throws `busy(holder)` while another live process holds it;
 * takes over one left by a dead process and returns what it replaced (null: an unreadable file).
 */
export function lockFile(file: string, o: LockFileOptions): { replaced?: LockInfo | null } {
  if (held.has(file)) return {};
  const me: LockInfo = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    host: os.hostname(),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
  };
  let replaced: LockInfo | null | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // 'wx': the create fails if the file exists, so two starters cannot both win.
      fs.writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx' });
      held.add(file);
      if (!exitHookInstalled) {
        process.on('exit', releaseAll);
        exitHookInstalled = true;
      }
      return { replaced };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const other = readLock(file);
    if (o.shareWithAncestors && other && other.host === os.hostname() && isSelfOrAncestor(other.pid) && holderAlive(other)) {
      return {}; // a fold worker of the process that holds the lock
    }
    // A lock of this very pid on this host that it does not hold is left over (a pid reused after a crash).
    const mine = other !== undefined && other.host === os.hostname() && other.pid === process.pid;
    if (other && !mine && holderAlive(other)) throw o.busy(other);
    replaced = other ?? null;
    fs.rmSync(file, { force: true });
  }
  throw new DataError(file, 'could not take the lock (another process keeps taking it)');
}

/** Release a lock this process took with lockFile (no-op when it does not hold it). */
export function releaseLockFile(file: string): void {
  if (!held.has(file)) return;
  held.delete(file);
  const l = readLock(file);
  if (l && l.pid === process.pid) fs.rmSync(file, { force: true });
}

/**
 * Take the lock of a run folder for this process (released when it exits). Throws a DataError when
 * another live process holds it; returns a message when a stale lock was taken over.
 */
export function lockRunDir(dir: string): { tookOver?: string } {
  const { replaced } = lockFile(path.join(dir, 'lock'), {
    shareWithAncestors: true,
    busy: (other) =>
      new DataError(
        dir,
        `another training is running in this run folder (pid ${other.pid} on ${other.host}, since ${other.since}: ${other.command}); ` +
          `wait for it to finish, stop it, or pass --run-id NEW to train a separate run`,
      ),
  });
  if (replaced === undefined) return {};
  return {
    tookOver: replaced
      ? `took over the lock of pid ${replaced.pid} (started ${replaced.since}), which is no longer running`
      : 'took over an unreadable lock file left by a killed process',
  };
}

/** Release this process's lock on a run folder (no-op when it does not hold it). */
export function unlockRunDir(dir: string): void {
  releaseLockFile(path.join(dir, 'lock'));
}

/** Throws when a live process other than this one (or its ancestors) trains in `dir`. */
export function assertRunDirFree(dir: string): void {
  const l = readLock(path.join(dir, 'lock'));
  if (l && !isSelfOrAncestor(l.pid) && holderAlive(l)) {
    throw new DataError(dir, `a training is running in this run folder (pid ${l.pid}, since ${l.since}); stop it before starting fresh`);
  }
}
