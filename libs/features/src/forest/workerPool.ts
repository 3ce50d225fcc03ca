/**
 * Grows trees on worker threads. The binned matrix and labels must live on
 * SharedArrayBuffers (see `transformBins`), so workers read them without a
 * copy; trees are handed out one at a time (dynamic load balancing) and
 * results are placed by tree index, so the forest is identical for any nJobs.
 *
 * TypeScript workers: when this module runs from a .ts file (tsx, jest with
 * @swc/jest), the worker is an eval'd CommonJS stub that registers tsx's
 * require hook (`tsx/cjs`) and then requires `forest.worker.ts`; from
 * compiled .js the worker file is loaded directly.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { BinnedData, TreeArrays, TreeConfig } from './tree';

export function spawnForestWorker(workerData: unknown): Worker {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `forest.worker${ext}`);
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
    const tsx = require.resolve('tsx/cjs');
    const code = `require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(file)});\n`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(file, { workerData });
}

export async function growTreesParallel(
  data: BinnedData,
  cfg: TreeConfig,
  seeds: number[],
  nJobs: number,
  onTree?: (done: number, total: number) => void,
): Promise<TreeArrays[]> {
  if (!(data.bins.buffer instanceof SharedArrayBuffer) || !(data.y.buffer instanceof SharedArrayBuffer)) {
    throw new TypeError('growTreesParallel: data.bins and data.y must be backed by SharedArrayBuffers');
  }
  const nWorkers = Math.max(1, Math.min(nJobs, seeds.length));
  const results: TreeArrays[] = new Array(seeds.length);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (e: Error) => {
        if (!failed) {
          failed = true;
          reject(e);
        }
      };
      const feed = (wk: Worker) => {
        if (next < seeds.length) {
          const index = next++;
          wk.postMessage({ index, seed: seeds[index] });
        } // else: idle until terminated below
      };
      for (let i = 0; i < nWorkers; i++) {
        const wk = spawnForestWorker({ data, cfg });
        workers.push(wk);
        wk.on('message', (msg: { index: number; tree?: TreeArrays; error?: string }) => {
          if (msg.error || !msg.tree) {
            fail(new Error(`forest worker failed on tree ${msg.index}: ${msg.error}`));
            return;
          }
          results[msg.index] = msg.tree;
          done++;
          onTree?.(done, seeds.length);
          if (done === seeds.length) resolve();
          else feed(wk);
        });
        wk.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
        wk.on('exit', (code) => {
          if (!failed && done < seeds.length) fail(new Error(`forest worker exited with code ${code} before finishing`));
        });
        feed(wk);
      }
    });
  } finally {
    await Promise.all(workers.map((wk) => wk.terminate()));
  }
  return results;
}
