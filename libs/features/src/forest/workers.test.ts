import { execFileSync } from 'child_process';
import * as path from 'path';
import { HistRandomForestClassifier } from './histForest';
import { makeNonlinearClassification } from './synthetic';
import { growTreesParallel } from './workerPool';

describe('worker threads', () => {
  const { X, y } = makeNonlinearClassification(3000, 8, 11);

  test('nJobs = 2 (workers spawned from jest via tsx/cjs) gives the same probabilities as nJobs = 1', async () => {
    const a = new HistRandomForestClassifier({ nEstimators: 6, seed: 4, nJobs: 1 });
    const b = new HistRandomForestClassifier({ nEstimators: 6, seed: 4, nJobs: 2 });
    const ticks: number[][] = [[], []];
    await a.train(X, y, { onTree: (done, total) => ticks[0].push(done, total) });
    await b.train(X, y, { onTree: (done) => ticks[1].push(done) });
    // onTree once per tree, counting up (the progress bar of a long fit).
    expect(ticks[0]).toEqual([1, 6, 2, 6, 3, 6, 4, 6, 5, 6, 6, 6]);
    expect(ticks[1]).toEqual([1, 2, 3, 4, 5, 6]);
    const pa = a.predictProbability(X);
    const pb = b.predictProbability(X);
    expect(b.nTrees).toBe(6);
    expect(Buffer.from(pb.buffer).equals(Buffer.from(pa.buffer))).toBe(true);
    // The trees differ from each other (a shuffled or duplicated tree order would be caught by a seed change).
    const d = new HistRandomForestClassifier({ nEstimators: 6, seed: 5, nJobs: 2 });
    await d.train(X, y);
    expect(Buffer.from(d.predictProbability(X).buffer).equals(Buffer.from(pa.buffer))).toBe(false);
  });

  test('growTreesParallel rejects non-shared inputs and surfaces worker errors', async () => {
    const cfg = { nClasses: 2, maxDepth: 3, mtry: 1, minSamplesLeaf: 1, minSamplesSplit: 2, bootstrap: true, nSamples: 4, sortThreshold: 32 };
    const plain = { bins: new Uint8Array(4), rows: 4, cols: 1, y: new Uint8Array(4), nBins: Int32Array.of(2) };
    await expect(growTreesParallel(plain, cfg, [1, 2], 2)).rejects.toThrow('SharedArrayBuffers');
    // mtry = 5 > cols = 1: growTree throws inside the worker, the pool rejects.
    const bins = new Uint8Array(new SharedArrayBuffer(4));
    const ys = new Uint8Array(new SharedArrayBuffer(4));
    ys.set([0, 1, 0, 1]);
    const broken = { bins, rows: 4, cols: 1, y: ys, nBins: Int32Array.of(2) };
    await expect(growTreesParallel(broken, { ...cfg, mtry: 5 }, [1, 2], 2)).rejects.toThrow(/forest worker failed on tree \d: RangeError: growTree: inconsistent inputs \(mtry=5, cols=1/);
  });

  test('under tsx (how the pipeline runs), nJobs = 2 matches nJobs = 1', () => {
    const root = path.resolve(__dirname, '../../../..');
    const tsxCli = require.resolve('tsx/cli');
    const out = execFileSync(process.execPath, [tsxCli, path.join(__dirname, 'fixturesNjobs.ts')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const res = JSON.parse(out.trim().split('\n').pop()!);
    expect(res).toMatchObject({ identical: true, nTrees: 6, rows: 3000 });
    expect(res.probSum).toBeCloseTo(3000, 1);
  });
});
