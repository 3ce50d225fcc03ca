import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { forwardBackward, simulateGaussianHmm, type GaussianHmmParams } from '@repro/features';
import { loadConfig, type IonGroupId, type IonSegment } from '@repro/io';
import { macroF1 } from '@repro/metrics';
import type { IonSwitchingConfig } from './config';
import type { IonTable } from './data';
import { argmaxRows } from './features';
import { hmmFeatures, initialHmm, withGatingStates } from './hmm';

const K = 11;

/** Deterministic uniform [0, 1) numbers (an LCG) for the simulations. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A sticky chain over open counts 0..n (the truth the fit should find). */
function truthOf(n: number): GaussianHmmParams {
  const S = n + 1;
  const trans = new Float64Array(S * S);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) trans[i * S + j] = i === j ? 0.9 : Math.abs(i - j) === 1 ? 0.1 / (i === 0 || i === n ? 1 : 2) : 0;
  }
  return { nStates: S, trans, initial: new Float64Array(S).fill(1 / S), levels: Float64Array.from({ length: S }, (_, k) => k), slope: 1, intercept: 0, sigma: 0.3 };
}

/**
 * A table of segments (group, rows) simulated from truthOf(channels of the group), or from `model`
 * (open_channels = its state's level); `seed` or a random stream to draw from.
 */
function table(parts: [IonGroupId, number][], seed: number | (() => number), model?: GaussianHmmParams): IonTable & { openChannels: Int32Array; truthPost: Float64Array[] } {
  const channels = [1, 1, 3, 5, 10];
  const n = parts.reduce((a, p) => a + p[1], 0);
  const clean = new Float32Array(n);
  const y = new Int32Array(n);
  const group = new Uint8Array(n);
  const segments: IonSegment[] = [];
  const truthPost: Float64Array[] = [];
  const rand = typeof seed === 'number' ? lcg(seed) : seed;
  let at = 0;
  parts.forEach(([g, rows], index) => {
    const tr = model ?? truthOf(channels[g]);
    const s = simulateGaussianHmm(tr, rows, rand);
    clean.set(s.x, at);
    y.set(Int32Array.from(s.states, (v) => tr.levels[v]), at);
    group.fill(g, at, at + rows);
    segments.push({ index, start: at, end: at + rows, group: g });
    truthPost.push(forwardBackward(tr, s.x).posteriors);
    at += rows;
  });
  return { file: 'x.csv', nRows: n, time: new Float64Array(n), signal: clean, openChannels: y, batch: new Uint8Array(n), group, segments, clean, outlier: new Uint8Array(n), truthPost };
}

describe('hmm member', () => {
  const config = loadConfig<IonSwitchingConfig>(path.join(__dirname, '..'), 'smoke', {});
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ion-hmm-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('initialHmm starts on the 0..n scale with stochastic rows', () => {
    const p = initialHmm([Float32Array.from([0.1, 0.9, 1.2, 2.8, 3.1, 2.9])], 3);
    expect([p.nStates, p.slope, p.intercept]).toEqual([4, 1, 0]);
    for (let i = 0; i < 4; i++) expect(p.trans.subarray(i * 4, i * 4 + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p.sigma).toBeGreaterThanOrEqual(0.2);
  });

  it('fits per group on train, decodes train and test: posteriors over the group counts, near the true model, cached', () => {
    const train = table([[0, 4000], [2, 4000], [2, 4000]], 1);
    const test = table([[2, 2000], [0, 2000]], 2);
    const logs: string[] = [];
    const h = hmmFeatures({ config, train, test, dir, log: (l) => logs.push(l) });
    expect(h.oof.length).toBe(train.nRows * K);
    expect(h.test.length).toBe(test.nRows * K);
    for (const [t, p] of [[train, h.oof], [test, h.test]] as const) {
      for (let i = 0; i < t.nRows; i++) {
        const row = p.subarray(i * K, (i + 1) * K);
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
        const n = t.group[i] === 0 ? 1 : 3;
        expect(row.subarray(n + 1).every((v) => v === 0)).toBe(true);
      }
    }
    // against forward-backward with the true parameters (the Bayes decoder of this simulation)
    const truthLabels = (t: ReturnType<typeof table>) => {
      const out = new Int32Array(t.nRows);
      t.segments.forEach((s, k) => {
        const S = t.group[s.start] === 0 ? 2 : 4;
        for (let i = 0; i < s.end - s.start; i++) {
          let best = 0;
          for (let j = 1; j < S; j++) if (t.truthPost[k][i * S + j] > t.truthPost[k][i * S + best]) best = j;
          out[s.start + i] = best;
        }
      });
      return out;
    };
    const bayesTrain = macroF1(train.openChannels, truthLabels(train));
    const bayesTest = macroF1(test.openChannels, truthLabels(test));
    expect(h.oofF1).toBeGreaterThan(bayesTrain - 0.01);
    expect(macroF1(test.openChannels, argmaxRows(h.test, K))).toBeGreaterThan(bayesTest - 0.01);
    expect(logs.some((l) => /^HMM 3ch: 4 states, 2 batch\(es\) of 8000 rows; \d+ EM iterations/.test(l))).toBe(true);
    const params = JSON.parse(fs.readFileSync(path.join(dir, 'params.json'), 'utf8'));
    const g3 = params.groups.find((g: { group: string }) => g.group === '3ch');
    expect(Math.abs(g3.params.sigma - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(g3.params.trans[1][1] - 0.9)).toBeLessThan(0.03);
    // cached: the same posteriors reloaded; other settings recompute
    const again = hmmFeatures({ config, train, test, dir, log: (l) => logs.push(l) });
    expect(logs[logs.length - 1]).toMatch(/^HMM posteriors: reloaded from/);
    expect(Buffer.compare(Buffer.from(again.oof.buffer), Buffer.from(h.oof.buffer))).toBe(0);
    const other = { ...config, features: { ...config.features, hmm: { ...config.features.hmm, iterations: 2 } } };
    hmmFeatures({ config: other, train, test, dir, log: (l) => logs.push(l) });
    expect(logs[logs.length - 1]).toMatch(/^HMM posteriors: train macro F1 of the argmax 0\.\d+ \(unsupervised fit on the signal, not out of fold\)/);
  });

  it('withGatingStates: g copies per count, stochastic rows, the count chain kept when g = 1', () => {
    const p = initialHmm([Float32Array.from([0.1, 0.9, 1.2, 2.8, 3.1, 2.9, 2.2, 0.2])], 3);
    expect(withGatingStates(p, 1)).toBe(p);
    const q = withGatingStates(p, 3);
    expect(q.nStates).toBe(12);
    expect(Array.from(q.levels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(q.initial.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < 12; i++) expect(q.trans.subarray(i * 12, i * 12 + 12).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // the copies of a count leave it at different rates (the symmetry EM has to break)
    const leave = (i: number) => 1 - [0, 1, 2].reduce((a, m) => a + q.trans[i * 12 + Math.floor(i / 3) * 3 + m], 0);
    expect(leave(3)).toBeLessThan(leave(4));
    expect(leave(4)).toBeLessThan(leave(5));
  });

  it('statesPerCount 2 learns a channel with a slow and a fast closed state better than the count chain', () => {
    // one channel, C_slow <-> O <-> C_fast: the time spent closed is a mixture, so the open/closed
    // process is not Markov and a 2-state chain over the counts cannot represent it
    const trans = Float64Array.from([0.995, 0, 0.005, 0, 0.6, 0.4, 0.04, 0.04, 0.92]);
    const truth: GaussianHmmParams = { nStates: 3, trans, initial: Float64Array.from([0.4, 0.2, 0.4]), levels: Float64Array.from([0, 0, 1]), slope: 1, intercept: 0, sigma: 0.55 };
    // P(open) under the true model, summed over its open states
    const pOpen = (t: ReturnType<typeof table>) => Float64Array.from({ length: t.nRows }, (_, i) => t.truthPost[0][i * 3 + 2]);
    const rand = lcg(7);
    const train = table([[0, 30000]], rand, truth);
    const test = table([[0, 5000]], rand, truth);
    const testOpen = pOpen(test);
    const run = (g: number) => {
      const c = { ...config, features: { ...config.features, hmm: { ...config.features.hmm, statesPerCount: g, iterations: 60 } } };
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ion-hmm-g-'));
      try {
        const h = hmmFeatures({ config: c, train, test, dir: d, log: () => {} });
        const fit = JSON.parse(fs.readFileSync(path.join(d, 'params.json'), 'utf8')).groups[0];
        let err = 0;
        for (let i = 0; i < test.nRows; i++) err += Math.abs(h.test[i * K + 1] - testOpen[i]);
        for (let i = 0; i < test.nRows; i++) expect(h.test[i * K] + h.test[i * K + 1]).toBeCloseTo(1, 5);
        return { ll: fit.logLikelihood as number, states: fit.states as number, err: err / test.nRows };
      } finally {
        fs.rmSync(d, { recursive: true, force: true });
      }
    };
    const one = run(1);
    const two = run(2);
    expect([one.states, two.states]).toEqual([2, 4]);
    expect(two.ll).toBeGreaterThan(one.ll + 30); // 49.6 here; the true model is 47.6 above the count chain
    // posteriors of "open" nearer the true model's on unseen rows
    expect(two.err).toBeLessThan(one.err * 0.5); // 0.0027 against 0.0078 here
  });

  it('with clean.excludeOutliers the outlier rows are left out of the fit (and still decoded)', () => {
    const train = table([[0, 3000]], 3);
    train.clean.fill(40, 1000, 1100); // a burst far off every level
    train.outlier.fill(1, 1000, 1100);
    const test = table([[0, 500]], 4);
    const on = { ...config, clean: { ...config.clean, excludeOutliers: true } };
    hmmFeatures({ config: on, train, test, dir, log: () => {} });
    const sigma = JSON.parse(fs.readFileSync(path.join(dir, 'params.json'), 'utf8')).groups[0].params.sigma;
    expect(Math.abs(sigma - 0.3)).toBeLessThan(0.03);
    const off = { ...config, clean: { ...config.clean, excludeOutliers: false } };
    const h = hmmFeatures({ config: off, train, test, dir, log: () => {} });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'params.json'), 'utf8')).groups[0].params.sigma).toBeGreaterThan(0.4); // the burst widens the fitted noise
    expect(h.oof.every((v) => Number.isFinite(v))).toBe(true);
  });
});
