// HMS recordings written on worker threads. Every recording draws from its own seeded streams
// (rng.ts) and writes its own files, so the files do not depend on how many workers wrote them or
// in which order: `workers` changes the time, never a byte.
//
// TypeScript workers as in @repro/features' forest pool: from a .ts file (tsx, jest) the worker is
// an eval'd CommonJS stub that registers tsx's require hook and then requires the worker module;
// from compiled .js the worker file is loaded directly.
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { EegPlan, RecordingPlan } from './generate';

export interface RecordingJob {
  outDir: string;
  seed: number;
  rec: RecordingPlan;
  members: EegPlan[];
  /** Generator variant (variants.ts); absent: default. */
  variant?: string;
}

/** Workers when none are asked for: both cores of a 2-core machine, at most 2. */
export function defaultSynthWorkers(): number {
  return Math.max(1, Math.min(2, os.cpus().length));
}

function spawnRecordingWorker(): Worker {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `recording.worker${ext}`);
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
    const tsx = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(file)});\n`, { eval: true });
  }
  return new Worker(file);
}

/**
 * Write `jobs` with `workers` threads (in this thread when 1), handed out one at a time in order.
 * `onDone(job, bytes)` runs after each; when `stop()` is true after one, no further job starts and
 * the call returns once the running ones are done.
 */
export async function runRecordingJobs(
  jobs: readonly RecordingJob[],
  workers: number,
  write: (job: RecordingJob) => Promise<number>,
  onDone: (job: RecordingJob, bytes: number) => void,
  stop: () => boolean = () => false,
): Promise<void> {
  const n = Math.max(1, Math.min(Math.floor(workers), jobs.length));
  if (n <= 1) {
    for (const job of jobs) {
      onDone(job, await write(job));
      if (stop()) return;
    }
    return;
  }
  const threads: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let running = 0;
      let stopping = false;
      let failed = false;
      const fail = (err: Error): void => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const feed = (w: Worker): void => {
        if (failed) return;
        if (stopping || next >= jobs.length) {
          if (running === 0) resolve();
          return;
        }
        const id = next++;
        running++;
        w.postMessage({ ...jobs[id], id });
      };
      for (let i = 0; i < n; i++) {
        const w = spawnRecordingWorker();
        threads.push(w);
        w.on('message', (msg: { id: number; bytes?: number; error?: string }) => {
          running--;
          const job = jobs[msg.id];
          if (msg.error !== undefined || msg.bytes === undefined) {
            fail(new Error(`hms: recording ${job.rec.index} (spectrogram_id ${job.rec.spectrogramId}) failed in a worker thread: ${msg.error}`));
            return;
          }
          try {
            onDone(job, msg.bytes);
            if (stop()) stopping = true;
          } catch (err) {
            fail(err as Error);
            return;
          }
          feed(w);
        });
        w.on('error', (err) => fail(err));
        w.on('exit', (code) => {
          if (code !== 0) fail(new Error(`hms: a generator worker thread exited with code ${code}`));
        });
      }
      for (const w of threads) feed(w);
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}
