// Out-of-fold jobs (a fold, or a member x fold) trained in child processes. The wasm backend
// computes on one thread, so on a 2-core machine two folds in two processes take about the time
// of one. Jobs start in the order given, `workers` at a time; `wait(key)` resolves when that job's
// process exited 0, so runOutOfFold's fitFold can await its fold and read what the worker wrote.
import type { ChildProcess } from 'child_process';
import * as path from 'path';
import { DataError, loadNpy, readJson, saveNpy, writeJson } from '@repro/io';
import type { FitFoldArgs, FitFoldResult } from './oofRunner';

export class WorkerPool<Job> {
  private readonly done = new Map<string, Promise<void>>();
  private readonly resolvers = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly children = new Set<ChildProcess>();
  private next = 0;

  /**
   * @param jobs    started in this order
   * @param workers processes at a time
   * @param key     a job's name (unique), used by has()/wait() and in error messages
   * @param spawn   starts the process of a job
   */
  constructor(
    private readonly jobs: readonly Job[],
    workers: number,
    private readonly key: (job: Job) => string,
    private readonly spawn: (job: Job) => ChildProcess,
  ) {
    for (const j of jobs) {
      const k = key(j);
      if (this.done.has(k)) throw new Error(`WorkerPool: job '${k}' given twice`);
      const p = new Promise<void>((resolve, reject) => this.resolvers.set(k, { resolve, reject }));
      p.catch(() => {}); // surfaced through wait()
      this.done.set(k, p);
    }
    for (let i = 0; i < Math.min(Math.max(1, workers), jobs.length); i++) this.launch();
  }

  private launch(): void {
    if (this.next >= this.jobs.length) return;
    const job = this.jobs[this.next++];
    const k = this.key(job);
    const child = this.spawn(job);
    this.children.add(child);
    child.on('exit', (code, signal) => {
      this.children.delete(child);
      const r = this.resolvers.get(k)!;
      if (code === 0) r.resolve();
      else r.reject(new Error(`${k}: worker process exited with ${signal ?? `code ${code}`} (its output is above; re-run to resume)`));
      this.launch();
    });
  }

  has(key: string): boolean {
    return this.done.has(key);
  }

  wait(key: string): Promise<void> {
    const p = this.done.get(key);
    if (!p) throw new Error(`WorkerPool: job '${key}' was not given to the pool`);
    return p;
  }

  /** Stop the workers this pool started (each by its own pid). */
  kill(): void {
    for (const c of this.children) c.kill('SIGTERM');
    this.children.clear();
  }
}

/** Run `work` with SIGINT/SIGTERM (and a throw) stopping the pool's workers too. */
export async function withWorkerPool<T, Job>(pool: WorkerPool<Job> | undefined, work: () => Promise<T>): Promise<T> {
  const onSignal = () => {
    pool?.kill();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } catch (err) {
    pool?.kill();
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

const WORKER_PRED = 'worker_valid_pred.npy';
const WORKER_METRICS = 'worker_metrics.json';

/** What a fold worker hands back: its validation predictions ([nRows, nOutputs]) and metrics, in foldDir. */
export function saveWorkerFold(foldDir: string, valid: Float32Array, nRows: number, nOutputs: number, metrics: Record<string, number>): void {
  saveNpy(path.join(foldDir, WORKER_PRED), valid, [nRows, nOutputs]);
  writeJson(path.join(foldDir, WORKER_METRICS), metrics);
}

/** Reads what {@link saveWorkerFold} wrote, checking the prediction count. */
export function loadWorkerFold(foldDir: string, nRows: number, nOutputs: number): { valid: Float32Array; metrics: Record<string, number> } {
  const file = path.join(foldDir, WORKER_PRED);
  const pred = loadNpy(file).data;
  if (!(pred instanceof Float32Array) || pred.length !== nRows * nOutputs) {
    throw new DataError(file, `expected ${nRows} x ${nOutputs} float32 predictions from the fold worker`);
  }
  return { valid: pred, metrics: readJson<Record<string, number>>(path.join(foldDir, WORKER_METRICS)) };
}

/**
 * runOutOfFold's fitFold when some folds may train in `pool`: a fold whose job the pool holds
 * (`key(fold)`) is awaited and read back (loadWorkerFold); any other is fitted in this process.
 */
export function fitFoldInPool<Job>(
  pool: WorkerPool<Job> | undefined,
  key: (fold: number) => string,
  nOutputs: number,
  fit: (args: FitFoldArgs) => Promise<FitFoldResult>,
): (args: FitFoldArgs) => Promise<FitFoldResult> {
  return async (args) => {
    if (pool?.has(key(args.fold))) {
      await pool.wait(key(args.fold));
      return loadWorkerFold(args.foldDir, args.valid.length, nOutputs);
    }
    return fit(args);
  };
}
