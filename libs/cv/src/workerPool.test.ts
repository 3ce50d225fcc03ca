import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadWorkerFold, saveWorkerFold, WorkerPool, withWorkerPool } from './workerPool';

interface Job {
  name: string;
  /** exit code of the child */
  code: number;
  /** ms the child lives */
  ms: number;
}

/** A child that appends "start <name>" / "end <name>" to a log file, sleeps, then exits with job.code. */
function spawner(logFile: string) {
  return (j: Job) =>
    spawn(
      process.execPath,
      ['-e', `const fs=require('fs');fs.appendFileSync(${JSON.stringify(logFile)},'start ${j.name}\\n');setTimeout(()=>{fs.appendFileSync(${JSON.stringify(logFile)},'end ${j.name}\\n');process.exit(${j.code})},${j.ms});`],
      { stdio: 'ignore' },
    );
}

describe('WorkerPool', () => {
  let dir: string;
  let logFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'));
    logFile = path.join(dir, 'log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs at most `workers` jobs at once, in the given order, and resolves each job when it exits 0', async () => {
    const jobs: Job[] = [
      { name: 'a', code: 0, ms: 300 },
      { name: 'b', code: 0, ms: 50 },
      { name: 'c', code: 0, ms: 50 },
    ];
    const pool = new WorkerPool(jobs, 2, (j) => j.name, spawner(logFile));
    expect(pool.has('a') && pool.has('c')).toBe(true);
    expect(pool.has('d')).toBe(false);
    await Promise.all(jobs.map((j) => pool.wait(j.name)));
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
    // a and b start together; c only after b (the first to finish) freed its worker.
    expect(lines.slice(0, 2).sort()).toEqual(['start a', 'start b']);
    expect(lines.indexOf('start c')).toBeGreaterThan(lines.indexOf('end b'));
    expect(lines.indexOf('start c')).toBeLessThan(lines.indexOf('end a'));
  });

  it('rejects the failed job with its name and exit code, and still runs the others', async () => {
    const jobs: Job[] = [
      { name: 'fold 1', code: 3, ms: 10 },
      { name: 'fold 2', code: 0, ms: 10 },
    ];
    const pool = new WorkerPool(jobs, 1, (j) => j.name, spawner(logFile));
    await expect(pool.wait('fold 1')).rejects.toThrow(/fold 1: worker process exited with code 3/);
    await expect(pool.wait('fold 2')).resolves.toBeUndefined();
    expect(() => pool.wait('fold 3')).toThrow(/'fold 3' was not given/);
  });

  it('refuses a job key given twice', () => {
    expect(() => new WorkerPool([{ name: 'x', code: 0, ms: 1 }, { name: 'x', code: 0, ms: 1 }], 1, (j) => j.name, spawner(logFile))).toThrow(/given twice/);
  });

  it('withWorkerPool kills the running workers when the work throws', async () => {
    const pool = new WorkerPool([{ name: 'long', code: 0, ms: 20_000 }], 1, (j) => j.name, spawner(logFile));
    const waited = pool.wait('long');
    await expect(withWorkerPool(pool, async () => Promise.reject(new Error('main failed')))).rejects.toThrow('main failed');
    await expect(waited).rejects.toThrow(/long: worker process exited with SIGTERM/);
  });
});

describe('saveWorkerFold / loadWorkerFold', () => {
  it('round-trips predictions and metrics, and names the file when the count is wrong', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-fold-'));
    const valid = Float32Array.from({ length: 6 }, (_, i) => i / 10);
    saveWorkerFold(dir, valid, 3, 2, { trainSeconds: 1.5 });
    const back = loadWorkerFold(dir, 3, 2);
    expect(Array.from(back.valid)).toEqual(Array.from(valid));
    expect(back.metrics).toEqual({ trainSeconds: 1.5 });
    expect(() => loadWorkerFold(dir, 4, 2)).toThrow(/worker_valid_pred\.npy.*expected 4 x 2 float32 predictions from the fold worker/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
