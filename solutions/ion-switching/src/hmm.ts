// Extra (not in the write-up; issue 19 item 2): a hidden Markov model per channel-count group,
// fitted by Baum-Welch on the cleaned signal. Hidden states are the open-channel counts 0..n of the
// group (n = 1, 1, 3, 5, 10), or `features.hmm.statesPerCount` gating states per count, with a full
// transition matrix over them learned from the data and
// Gaussian emissions N(slope * k + intercept, sigma^2) (slope, intercept, sigma shared by the
// group's states; `features.hmm.perStateMeans` frees the means). Initialised from the cleaned
// signal's level fit (the signal is already on the 0..10 scale: slope 1, intercept 0), sigma from the
// rounding residual, transitions and initial distribution from the rounded signal.
//
// Unsupervised: the fit sees the train signal only, never the labels (the labels enter only through
// the cleaning's per-group affine map, two numbers per group, as for every other member). So the
// train posteriors are not out of fold and need not be: no row's label is used to predict it. The
// test chunks are decoded with the parameters fitted on the train batches of their group. Each
// batch (train) or chunk (test) is one sequence: the chain restarts at its first row.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { baumWelch, forwardBackward, type GaussianHmmParams } from '@repro/features';
import { DataError, ION_GROUPS, ION_N_CLASSES, loadNpy, readJson, saveNpy, writeJson } from '@repro/io';
import { macroF1 } from '@repro/metrics';
import type { IonSwitchingConfig } from './config';
import type { IonTable } from './data';
import { argmaxRows } from './features';

const K = ION_N_CLASSES;

export interface HmmFeatures {
  /** nTrain x 11 posteriors P(open_channels = k | the batch's signal). */
  oof: Float32Array;
  /** nTest x 11, with the train-fitted parameters of each chunk's group. */
  test: Float32Array;
  /** Macro F1 of the posterior argmax on train. */
  oofF1: number;
}

export interface HmmGroupFit {
  group: string;
  states: number;
  params: { slope: number; intercept: number; sigma: number; means: number[]; trans: number[][]; initial: number[] };
  iterations: number;
  converged: boolean;
  logLikelihood: number;
  trainRows: number;
}

/** Starting parameters for a group with open counts 0..n from its cleaned train signal (no labels). */
export function initialHmm(seqs: ArrayLike<number>[], n: number): GaussianHmmParams {
  const S = n + 1;
  const counts = new Float64Array(S * S).fill(1); // Laplace: every move possible
  const first = new Float64Array(S).fill(1);
  let ss = 0;
  let rows = 0;
  const r = (v: number) => Math.min(n, Math.max(0, Math.round(v)));
  for (const x of seqs) {
    for (let t = 0; t < x.length; t++) {
      const k = r(x[t]);
      ss += (x[t] - k) ** 2;
      rows++;
      first[k]++;
      if (t > 0) counts[r(x[t - 1]) * S + k]++;
    }
  }
  for (let i = 0; i < S; i++) {
    let z = 0;
    for (let j = 0; j < S; j++) z += counts[i * S + j];
    for (let j = 0; j < S; j++) counts[i * S + j] /= z;
  }
  const fz = first.reduce((a, b) => a + b, 0);
  return {
    nStates: S,
    trans: counts,
    initial: first.map((v) => v / fz),
    levels: Float64Array.from({ length: S }, (_, k) => k),
    slope: 1,
    intercept: 0,
    // the rounding residual underestimates a noise of ~0.3 and more (it is at most ~0.29): not below 0.2
    sigma: Math.max(0.2, Math.sqrt(ss / Math.max(1, rows))),
  };
}

/**
 * Expand a chain over counts 0..n to `g` hidden gating states per count (state c * g + k emits
 * count c's level). The copies of a count start with different dwell times (leave rates x 2^(k -
 * (g - 1) / 2)), a small chance of moving between copies of the same count, and moves to count c'
 * spread evenly over its copies: the symmetry is broken so that EM can tell a slow closed state
 * from a fast one. g = 1 returns the chain as it is.
 */
export function withGatingStates(p: GaussianHmmParams, g: number): GaussianHmmParams {
  if (g === 1) return p;
  const C = p.nStates;
  const S = C * g;
  const trans = new Float64Array(S * S);
  for (let c = 0; c < C; c++) {
    const leave = 1 - p.trans[c * C + c];
    for (let k = 0; k < g; k++) {
      const i = c * g + k;
      const out = Math.min(0.95, leave * 2 ** (k - (g - 1) / 2));
      const swap = 0.05 * (1 - out); // to the other copies of the same count
      for (let d = 0; d < C; d++) {
        for (let m = 0; m < g; m++) {
          const j = d * g + m;
          if (d !== c) trans[i * S + j] = leave > 0 ? (out * p.trans[c * C + d]) / leave / g : 0;
          else trans[i * S + j] = m === k ? 1 - out - swap : swap / (g - 1);
        }
      }
      // the row sums to out + (1 - out - swap) + swap = 1 by construction
    }
  }
  const rep = (v: ArrayLike<number>, scale: number) => Float64Array.from({ length: S }, (_, s) => v[Math.floor(s / g)] * scale);
  return { ...p, nStates: S, trans, initial: rep(p.initial, 1 / g), levels: rep(p.levels, 1), means: p.means && rep(p.means, 1) };
}

function cacheKey(config: IonSwitchingConfig, train: IonTable, test: IonTable): string {
  const h = createHash('sha1');
  const bytes = (v: ArrayBufferView) => h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  h.update(JSON.stringify({ hmm: config.features.hmm, excludeOutliers: config.clean.excludeOutliers, v: 1 }));
  [train.clean, train.group, train.outlier, test.clean, test.group].forEach(bytes);
  return h.digest('hex');
}

/** Fit one HMM per group on the train batches, decode train and test; cached in `dir` (hmm/). */
export function hmmFeatures(args: {
  config: IonSwitchingConfig;
  train: IonTable & { openChannels: Int32Array };
  test: IonTable;
  dir: string;
  log: (l: string) => void;
}): HmmFeatures {
  const { config, train, test, dir, log } = args;
  const h = config.features.hmm;
  const oofFile = path.join(dir, 'oof.npy');
  const testFile = path.join(dir, 'test.npy');
  const keyFile = path.join(dir, 'inputs.json');
  const key = cacheKey(config, train, test);
  const score = (p: Float32Array) => macroF1(train.openChannels, argmaxRows(p, K));
  if (fs.existsSync(keyFile) && readJson<{ key: string }>(keyFile).key === key && fs.existsSync(oofFile) && fs.existsSync(testFile)) {
    const oof = loadNpy(oofFile).data as Float32Array;
    const te = loadNpy(testFile).data as Float32Array;
    if (oof.length !== train.nRows * K || te.length !== test.nRows * K) throw new DataError(dir, 'cached HMM posteriors do not match the data; delete the folder to recompute');
    const f1 = score(oof);
    log(`HMM posteriors: reloaded from ${dir} (train macro F1 of the argmax ${f1.toFixed(5)})`);
    return { oof, test: te, oofF1: f1 };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const oof = new Float32Array(train.nRows * K);
  const te = new Float32Array(test.nRows * K);
  const fits: HmmGroupFit[] = [];
  for (const g of ION_GROUPS) {
    const trSegs = train.segments.filter((s) => train.group[s.start] === g.id);
    if (trSegs.length === 0) continue;
    const n = g.channels;
    const seqs = trSegs.map((s) => train.clean.subarray(s.start, s.end));
    const missing = trSegs.map((s) => (config.clean.excludeOutliers ? train.outlier.subarray(s.start, s.end) : undefined));
    const g0 = performance.now();
    const init = withGatingStates(initialHmm(seqs, n), h.statesPerCount);
    const res = baumWelch(init, seqs, { iterations: h.iterations, perStateMeans: h.perStateMeans, missing, tolerance: 1e-7 });
    const p = res.params;
    const S = p.nStates;
    const decode = (t: IonTable, out: Float32Array, s: { start: number; end: number }) => {
      const post = forwardBackward(p, t.clean.subarray(s.start, s.end)).posteriors;
      // summed over each count's gating states (levels are the counts 0..n)
      for (let i = 0; i < s.end - s.start; i++) for (let k = 0; k < S; k++) out[(s.start + i) * K + p.levels[k]] += post[i * S + k];
    };
    trSegs.forEach((s) => decode(train, oof, s));
    test.segments.filter((s) => test.group[s.start] === g.id).forEach((s) => decode(test, te, s));
    const means = p.means ? Array.from(p.means) : Array.from(p.levels, (l) => p.slope * l + p.intercept);
    const rows = trSegs.reduce((a, s) => a + s.end - s.start, 0);
    fits.push({
      group: g.name,
      states: S,
      params: {
        slope: p.slope,
        intercept: p.intercept,
        sigma: p.sigma,
        means,
        trans: Array.from({ length: S }, (_, i) => Array.from(p.trans.subarray(i * S, (i + 1) * S))),
        initial: Array.from(p.initial),
      },
      iterations: res.iterations,
      converged: res.converged,
      logLikelihood: res.logLikelihoods[res.logLikelihoods.length - 1],
      trainRows: rows,
    });
    const stay = Array.from({ length: S }, (_, k) => p.trans[k * S + k].toFixed(4)).join(' ');
    log(
      `HMM ${g.name}: ${S} states${h.statesPerCount > 1 ? ` (${h.statesPerCount} per count)` : ''}, ${trSegs.length} batch(es) of ${rows} rows; ${res.iterations} EM iterations${res.converged ? ' (converged)' : ''} in ${((performance.now() - g0) / 1000).toFixed(1)} s; ` +
        `${h.perStateMeans ? `means ${means.map((v) => v.toFixed(3)).join(' ')}` : `mean ${p.slope.toFixed(4)}*k${p.intercept >= 0 ? '+' : ''}${p.intercept.toFixed(4)}`}, sigma ${p.sigma.toFixed(4)}; P(stay) ${stay}`,
    );
  }
  saveNpy(oofFile, oof, [train.nRows, K]);
  saveNpy(testFile, te, [test.nRows, K]);
  const f1 = score(oof);
  writeJson(path.join(dir, 'params.json'), { groups: fits, trainMacroF1: f1 });
  writeJson(keyFile, { key });
  log(`HMM posteriors: train macro F1 of the argmax ${f1.toFixed(5)} (unsupervised fit on the signal, not out of fold) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { oof, test: te, oofF1: f1 };
}
