// Running out of memory or disk ends with a message naming what was being built and how much it
// needed, never V8's "Invalid typed array length", a bare ENOSPC stack or a silent OOM kill:
// - allocTyped: a large typed array is checked against the memory the kernel says is available,
//   and V8's refusal is turned into the same message;
// - checkDiskSpace / diskFullError: before and while writing a cache or a data set;
// - watchMemory: a watcher thread that, when the machine is about to run out of memory because of
//   this process, says what was being built (setActivity) and ends the process itself, before the
//   kernel's OOM killer does so without a word. Finished cache shards and checkpoints stay on disk,
//   so the same command resumes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';

export class ResourceError extends Error {
  override name = 'ResourceError';
}

const GiB = 2 ** 30;

export function fmtBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

/** MemTotal and MemAvailable from /proc/meminfo (os.totalmem/freemem where there is none). */
export function memInfo(file = '/proc/meminfo'): { totalBytes: number; availableBytes: number } {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]) * 1024;
    const totalBytes = kb('MemTotal');
    const availableBytes = kb('MemAvailable');
    if (Number.isFinite(totalBytes) && Number.isFinite(availableBytes)) return { totalBytes, availableBytes };
  } catch {
    // not Linux
  }
  return { totalBytes: os.totalmem(), availableBytes: os.freemem() };
}

/** Free bytes (for an unprivileged writer) on the filesystem that holds `dir` or its nearest existing parent. */
export function diskFreeBytes(dir: string): number {
  let d = path.resolve(dir);
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  const s = fs.statfsSync(d);
  return s.bavail * s.bsize;
}

/** Refuse to start writing `bytes` into `dir` when the disk cannot hold them. */
export function checkDiskSpace(dir: string, bytes: number, what: string): void {
  const free = diskFreeBytes(dir);
  if (bytes > free) {
    throw new ResourceError(`not enough disk space for ${what}: it needs ${fmtBytes(bytes)} in ${dir}, ${fmtBytes(free)} free; free some space (or point the cache elsewhere) and run the same command again`);
  }
}

/** ENOSPC/EDQUOT while writing `file` as a ResourceError naming it; other errors unchanged. */
export function diskFullError(err: unknown, file: string, bytes?: number): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return err;
  let free = '';
  try {
    free = `; ${fmtBytes(diskFreeBytes(path.dirname(file)))} free on its disk`;
  } catch {
    // statfs can fail too on a broken mount
  }
  return new ResourceError(
    `disk full while writing ${file}${bytes !== undefined ? ` (${fmtBytes(bytes)})` : ''}${free}; nothing half-written was kept under that name; free some space and run the same command again (finished files are reused)`,
  );
}

/**
 * Refuse to start `doing` (e.g. `reading <file>`) when it needs more than the memory the kernel says
 * is available (checked from 64 MiB up; smaller needs never fail here).
 */
export function checkMemory(bytes: number, doing: string, detail = ''): void {
  if (bytes < 64 * 2 ** 20) return;
  const { availableBytes, totalBytes } = memInfo();
  if (bytes > availableBytes) {
    throw new ResourceError(`out of memory ${doing}: it needs ${fmtBytes(bytes)}${detail}, ${fmtBytes(availableBytes)} of ${fmtBytes(totalBytes)} is available`);
  }
}

type TypedCtor<T> = { new (length: number): T; BYTES_PER_ELEMENT: number; name: string };

/**
 * `new ctor(length)` for a large array, named `what` in any error: more than the machine has
 * available is refused up front, and V8's RangeError (over its typed-array limit) is explained.
 */
export function allocTyped<T>(ctor: TypedCtor<T>, length: number, what: string): T {
  const bytes = length * ctor.BYTES_PER_ELEMENT;
  checkMemory(bytes, `building ${what}`, ` (${ctor.name} of ${length} values)`);
  try {
    return new ctor(length);
  } catch (err) {
    if ((err as Error)?.name !== 'RangeError') throw err; // (not instanceof: the array may come from another realm)
    const e = err as Error;
    throw new ResourceError(`cannot allocate ${what}: ${fmtBytes(bytes)} (${ctor.name} of ${length} values) in one array is over what Node allocates at once (${e.message}); it should be built in parts (sharded)`);
  }
}

// ---- what the process is doing, for the memory watcher --------------------------------------
// A SharedArrayBuffer both threads see: [length, ...utf8 bytes] of a JSON {activity, logs}.
const SHARED = new SharedArrayBuffer(8192);
const sharedLen = new Int32Array(SHARED, 0, 1);
const sharedBytes = new Uint8Array(SHARED, 4);
let activity: string | undefined;
const logs: string[] = [];

function publish(): void {
  const text = new TextEncoder().encode(JSON.stringify({ activity, logs: logs.slice(-8) }));
  const n = Math.min(text.length, sharedBytes.length);
  Atomics.store(sharedLen, 0, 0);
  sharedBytes.set(text.subarray(0, n));
  Atomics.store(sharedLen, 0, n);
}

/** Say what this process is building now (undefined when done); named if memory runs out. */
export function setActivity(what: string | undefined): void {
  activity = what;
  publish();
}

export function currentActivity(): string | undefined {
  return activity;
}

/** A run log the memory watcher appends its message to. */
export function watchLog(file: string): void {
  if (!logs.includes(file)) logs.push(file);
  publish();
}

const WATCHER = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const { shared, meminfo, status, intervalMs, minAvailableFraction, minAvailableBytes, minRssFraction } = workerData;
const len = new Int32Array(shared, 0, 1);
const bytes = new Uint8Array(shared, 4);
const kb = (text, key) => Number(new RegExp('^' + key + ':\\\\s+(\\\\d+) kB', 'm').exec(text)?.[1]) * 1024;
const gib = (n) => (n / 2 ** 30).toFixed(2) + ' GiB';
setInterval(() => {
  let m, s;
  try { m = fs.readFileSync(meminfo, 'utf8'); s = fs.readFileSync(status, 'utf8'); } catch { return; }
  const total = kb(m, 'MemTotal'), avail = kb(m, 'MemAvailable'), rss = kb(s, 'VmRSS');
  if (!(total > 0) || !(avail >= 0) || !(rss >= 0)) return;
  if (avail > Math.max(total * minAvailableFraction, minAvailableBytes) || rss < total * minRssFraction) return;
  let info = {};
  try { info = JSON.parse(new TextDecoder().decode(bytes.slice(0, Atomics.load(len, 0)))); } catch {}
  const msg = 'out of memory' + (info.activity ? ' while ' + info.activity : '') + ': this process holds ' + gib(rss) + ' and only ' + gib(avail) +
    ' of ' + gib(total) + ' is left; stopping it before the kernel kills it without a word. Lower the batch or cache sizes in the config, or use a machine with more memory; the same command resumes from what was saved.';
  for (const f of info.logs || []) { try { fs.appendFileSync(f, 'FAILED: ' + msg + '\\n'); } catch {} }
  try { fs.writeSync(2, 'FATAL: ' + msg + '\\n'); } catch {}
  process.kill(process.pid, 'SIGKILL');
}, intervalMs);
`;

export interface WatchMemoryOptions {
  /** @default 1000 */
  intervalMs?: number;
  /** Act when MemAvailable is below this share of MemTotal (and below minAvailableBytes). @default 0.03 */
  minAvailableFraction?: number;
  /** @default 256 MiB */
  minAvailableBytes?: number;
  /** ...and this process holds at least this share of MemTotal (it is the cause). @default 0.3 */
  minRssFraction?: number;
  /** For tests. */
  meminfoPath?: string;
  statusPath?: string;
}

/** Start the memory watcher thread (unref'd: it never keeps a finished process alive). */
export function watchMemory(o: WatchMemoryOptions = {}): () => void {
  if (!fs.existsSync(o.meminfoPath ?? '/proc/meminfo')) return () => {};
  const worker = new Worker(WATCHER, {
    eval: true,
    workerData: {
      shared: SHARED,
      meminfo: o.meminfoPath ?? '/proc/meminfo',
      status: o.statusPath ?? '/proc/self/status',
      intervalMs: o.intervalMs ?? 1000,
      minAvailableFraction: o.minAvailableFraction ?? 0.03,
      minAvailableBytes: o.minAvailableBytes ?? 256 * 2 ** 20,
      minRssFraction: o.minRssFraction ?? 0.3,
    },
  });
  worker.unref();
  return () => void worker.terminate();
}
