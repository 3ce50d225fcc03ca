import { SingleBar, Presets } from 'cli-progress';

export interface ProgressBar {
  /** Set the absolute progress. */
  update(value: number): void;
  /** Add to the progress. @default delta 1 */
  increment(delta?: number): void;
  /** Finish: draws 100% if not reached, releases the terminal line. Safe to call twice. */
  stop(): void;
}

export interface ProgressBarOptions {
  /**
   * Where to draw.
   * @default process.stderr (progress is not data, so stdout stays clean for pipes)
   */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * Off a TTY, how many evenly spaced percentage lines to print.
   * @default 4 (25%, 50%, 75%, 100%)
   */
  steps?: number;
  /**
   * Draw an animated bar. Default: only when the stream is a TTY; in CI logs an
   * animated bar becomes thousands of carriage-return lines.
   * @default stream.isTTY
   */
  tty?: boolean;
}

/**
 * A progress bar on stderr: animated (cli-progress) on a terminal, a few
 * "label: 50% (x/total)" lines otherwise so logs stay readable.
 */
export function progressBar(label: string, total: number, options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean(stream.isTTY);
  if (tty) {
    const bar = new SingleBar(
      { stream, format: `${label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    let value = 0;
    let stopped = false;
    return {
      update(v) {
        value = v;
        bar.update(v);
      },
      increment(d = 1) {
        value += d;
        bar.update(value);
      },
      stop() {
        if (stopped) return;
        stopped = true;
        if (value < total) bar.update(total);
        bar.stop();
      },
    };
  }
  const steps = Math.max(1, Math.floor(options.steps ?? 4));
  let value = 0;
  let printed = 0; // steps already printed
  let stopped = false;
  const t0 = Date.now();
  const report = (): void => {
    const frac = total > 0 ? Math.min(1, value / total) : 1;
    const reached = Math.floor(frac * steps + 1e-9);
    while (printed < reached) {
      printed++;
      const pct = Math.round((printed / steps) * 100);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      stream.write(`${label}: ${pct}% (${Math.min(value, total)}/${total}, ${secs}s)\n`);
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
      value = Math.max(value, total);
      report();
    },
  };
}
