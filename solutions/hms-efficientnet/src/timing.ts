// The seed's log_time decorator: every pipeline step logs its start and end times and its
// duration ("<name> took 1.2345 seconds.") to the run log, and the whole list goes to
// timings.json so the bottleneck can be read off one file.
import * as fs from 'fs';
import { readJson, writeJson } from '@repro/io';

export interface StepTiming {
  name: string;
  start: string;
  end: string;
  seconds: number;
  pid: number;
}

export class StepTimer {
  readonly steps: StepTiming[] = [];

  constructor(
    private readonly log: (line: string) => void,
    /** timings.json to append to (shared by the run's processes); none when undefined. */
    private readonly file?: string,
  ) {}

  /** Run `fn` as the step `name`, logging start, end and duration (also when it throws). */
  async time<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const t0 = Date.now();
    const start = new Date(t0).toISOString();
    this.log(`[time] ${name} started at ${start}`);
    let failed = false;
    try {
      return await fn();
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      const t1 = Date.now();
      const rec: StepTiming = { name: failed ? `${name} (failed)` : name, start, end: new Date(t1).toISOString(), seconds: (t1 - t0) / 1000, pid: process.pid };
      this.steps.push(rec);
      this.log(`[time] ${rec.name} took ${rec.seconds.toFixed(4)} seconds (${rec.start} .. ${rec.end}).`);
      if (this.file) {
        // Read-modify-write: fold workers of one run append their own steps to the same file.
        const all = fs.existsSync(this.file) ? readJson<StepTiming[]>(this.file) : [];
        all.push(rec);
        writeJson(this.file, all);
      }
    }
  }

  /** The decorator form: a function that times every call of `fn` under `name`. */
  wrap<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
    return (...args: A) => this.time(name, () => fn(...args));
  }
}
