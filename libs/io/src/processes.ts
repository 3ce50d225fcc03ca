// Facts about other processes, read from /proc where there is one (Linux); elsewhere only what
// process.kill(pid, 0) can tell.
import * as fs from 'fs';

/** Whether a process with this pid exists (a zombie counts as gone). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  return stat === undefined || stat.state !== 'Z';
}

interface ProcStat {
  ppid: number;
  state: string;
  /** Start time in clock ticks since boot: with the pid, it names one process (pids are reused). */
  startTicks: number;
}

/** /proc/<pid>/stat's fields we need; undefined where there is no /proc or no such process. */
export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], ppid: Number(rest[1]), startTicks: Number(rest[19]) };
}

/** The start time of a process (clock ticks since boot), or undefined where unknown. */
export function processStartTicks(pid: number): number | undefined {
  return procStat(pid)?.startTicks;
}

/** Whether `pid` is this process or one of its ancestors. */
export function isSelfOrAncestor(pid: number): boolean {
  if (pid === process.pid || pid === process.ppid) return true;
  let p = process.ppid;
  for (let i = 0; i < 64 && p > 1; i++) {
    const st = procStat(p);
    if (!st) return false;
    p = st.ppid;
    if (p === pid) return true;
  }
  return false;
}

/** The environment of another process (same user, Linux), or undefined. */
export function processEnv(pid: number): Record<string, string> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const kv of text.split('\0')) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}
