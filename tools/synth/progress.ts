// Progress of a long generation (kaggle scale): @repro/io's animated bar (with an ETA) on a
// terminal; off a terminal (nohup, CI, nx's piped output) a line every `intervalSeconds` and at
// every 10%, each with the percentage, the count, the time so far and an ETA, so a log shows how
// far a build is and when it will end.
import { progressBar, type ProgressBar } from '@repro/io';

export interface SynthProgressOptions {
  /** Units already done before this run (a resumed build): counted, but not in the rate. */
  start?: number;
  /** @default process.stderr */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Draw the animated bar. @default stream.isTTY */
  tty?: boolean;
  /** Off a terminal: the longest time between two lines. @default 30 */
  intervalSeconds?: number;
  /** For tests. @default Date.now */
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function synthProgress(label: string, total: number, options: SynthProgressOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const start = Math.min(total, Math.max(0, options.start ?? 0));
  if (options.tty ?? Boolean(stream.isTTY)) {
    const bar = progressBar(label, total, { stream, tty: true });
    if (start > 0) bar.update(start);
    return bar;
  }
  const now = options.now ?? Date.now;
  const interval = (options.intervalSeconds ?? 30) * 1000;
  const t0 = now();
  let value = start;
  let lastLine = t0;
  let lastDecile = Math.floor((start / Math.max(1, total)) * 10);
  let stopped = false;
  const line = (): void => {
    const elapsed = (now() - t0) / 1000;
    const done = value - start;
    const eta = done > 0 ? (elapsed / done) * (total - value) : NaN;
    const pct = total > 0 ? Math.floor((100 * value) / total) : 100;
    try {
      stream.write(`${label}: ${pct}% (${value}/${total}), ${formatDuration(elapsed)} so far, ${value >= total ? 'done' : `eta ${formatDuration(eta)}`}\n`);
    } catch {
      // a closed stream (killed parent) must not stop the work; the CLI notices it on its own
    }
    lastLine = now();
  };
  if (start > 0) line();
  const report = (): void => {
    const decile = Math.floor((Math.min(value, total) / Math.max(1, total)) * 10);
    if (decile > lastDecile || now() - lastLine >= interval) {
      lastDecile = Math.max(lastDecile, decile);
      line();
    }
  };
  return {
    update(v) {
      value = v;
      report();
    },
    increment(d = 1) {
      value += d;
      report();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (value < total) line(); // stopped early: say where
    },
  };
}
