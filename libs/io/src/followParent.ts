// A job follows the processes that started it. nx runs each task in a session of its own (a pty),
// so killing nx's process group, or nx itself with SIGKILL, leaves the task running orphaned and
// writing into its run folder. Every CLI therefore watches its starters and exits when one is gone:
// under nx, every ancestor that belongs to the task (same NX_TASK_HASH in its environment) and nx
// itself; otherwise its direct parent (tsx's wrapper, or the CLI that forked this fold worker).
import { Worker } from 'worker_threads';
import { procStat, processEnv, processStartTicks } from './processes';

export interface Ancestor {
  pid: number;
  /** Start time in clock ticks (where /proc exists): a reused pid is not mistaken for the parent. */
  startTicks?: number;
}

/** The processes this one follows, nearest first. */
export function watchedAncestors(): Ancestor[] {
  const out: Ancestor[] = [];
  const task = process.env.NX_TASK_HASH;
  let pid = process.ppid;
  for (let i = 0; i < 32 && pid > 1; i++) {
    out.push({ pid, startTicks: processStartTicks(pid) });
    // Outside nx, or where /proc cannot tell, the direct parent is enough.
    if (!task) break;
    const env = processEnv(pid);
    if (!env || env.NX_TASK_HASH !== task) break; // nx itself: the last one to follow
    const st = procStat(pid);
    if (!st) break;
    pid = st.ppid;
  }
  return out;
}

/**
 * The watcher runs in a worker thread: the main thread may be busy for minutes in synchronous work
 * (feature building, a forest), when its own timers would not fire. Plain JS, no imports from here.
 */
const WATCHER = `
const { workerData, parentPort } = require('worker_threads');
const fs = require('fs');
const { ancestors, startPpid, intervalMs, graceMs } = workerData;
function stat(pid) {
  try {
    const t = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    const r = t.slice(t.lastIndexOf(')') + 2).split(' ');
    return { state: r[0], ppid: Number(r[1]), startTicks: Number(r[19]) };
  } catch { return undefined; }
}
function gone(a) {
  const st = stat(a.pid);
  if (st) return st.state === 'Z' || (a.startTicks != null && st.startTicks !== a.startTicks);
  try { process.kill(a.pid, 0); return false; } catch (e) { return e.code !== 'EPERM'; }
}
const timer = setInterval(() => {
  const lost = ancestors.find(gone) || (process.ppid !== startPpid ? { pid: startPpid } : undefined);
  if (!lost) return;
  clearInterval(timer);
  parentPort.postMessage(lost.pid);
  // The main thread stops itself when it is free; if it is stuck in synchronous work, end it here.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), graceMs);
}, intervalMs);
`;

export interface FollowParentOptions {
  /** @default 500 */
  intervalMs?: number;
  /** Called once with a reason before the process exits (e.g. to write it to the run log). */
  onGone?: (reason: string) => void;
  /** @default process.exit(1) */
  exit?: () => void;
  /**
   * Seconds the main thread gets to stop by itself (onGone, exit) before the watcher ends the
   * process with SIGKILL, for when it is stuck in synchronous work.
   * @default 20
   */
  graceSeconds?: number;
}

/**
 * Exit when a process this one follows is gone. Returns a function that stops watching. The watcher
 * thread is unref'd, so it never keeps a finished process alive.
 */
export function followParent(options: FollowParentOptions = {}): () => void {
  const ancestors = watchedAncestors();
  const worker = new Worker(WATCHER, {
    eval: true,
    workerData: { ancestors, startPpid: process.ppid, intervalMs: options.intervalMs ?? 500, graceMs: (options.graceSeconds ?? 20) * 1000 },
  });
  worker.unref();
  worker.on('message', (pid: number) => {
    const reason = `process ${pid} that started this job is gone (killed?); stopping pid ${process.pid} so nothing keeps writing`;
    try {
      options.onGone?.(reason);
    } finally {
      (options.exit ?? (() => process.exit(1)))();
    }
  });
  return () => void worker.terminate();
}
