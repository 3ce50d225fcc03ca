import { MULBERRY32, Rng } from '@repro/cv';
import { baumWelch, forwardBackward, simulateGaussianHmm, stateMeans, viterbi, type GaussianHmmParams } from './gaussianHmm';

/** Seeded uniforms in [0, 1) as a function (the simulators take one). */
const uniforms = (seed: number) => {
  const rng = new Rng(MULBERRY32, seed);
  return () => rng.next();
};

const gauss = (x: number, m: number, s: number) => Math.exp(-((x - m) ** 2) / (2 * s * s)) / (s * Math.sqrt(2 * Math.PI));

describe('forwardBackward', () => {
  // 3 states, levels 0, 1, 2, an asymmetric full transition matrix
  const p: GaussianHmmParams = {
    nStates: 3,
    trans: Float64Array.from([0.7, 0.2, 0.1, 0.15, 0.6, 0.25, 0.05, 0.35, 0.6]),
    initial: Float64Array.from([0.5, 0.3, 0.2]),
    levels: Float64Array.from([0, 1, 2]),
    slope: 1.1,
    intercept: -0.2,
    sigma: 0.6,
  };
  const x = [0.1, 1.4, 0.7, 2.3, 1.9, -0.3];

  /** Posteriors, transition counts and likelihood by enumerating all 3^6 state paths. */
  function bruteForce(q: GaussianHmmParams, xs: number[], missing: number[] = []) {
    const S = q.nStates;
    const T = xs.length;
    const mu = stateMeans(q);
    const post = new Float64Array(T * S);
    const xi = new Float64Array(S * S);
    let z = 0;
    const path = new Int32Array(T);
    for (let code = 0; code < S ** T; code++) {
      let c = code;
      for (let t = 0; t < T; t++) {
        path[t] = c % S;
        c = Math.floor(c / S);
      }
      const em = (t: number) => (missing[t] ? 1 : gauss(xs[t], mu[path[t]], q.sigma));
      let pr = q.initial[path[0]] * em(0);
      for (let t = 1; t < T; t++) pr *= q.trans[path[t - 1] * S + path[t]] * em(t);
      z += pr;
      for (let t = 0; t < T; t++) post[t * S + path[t]] += pr;
      for (let t = 1; t < T; t++) xi[path[t - 1] * S + path[t]] += pr;
    }
    return { post: post.map((v) => v / z), xi: xi.map((v) => v / z), logLik: Math.log(z), paths: S ** T };
  }

  it('posteriors, expected transitions and log-likelihood equal a brute-force enumeration of all state paths (T=6, 3 states) to 1e-10', () => {
    const bf = bruteForce(p, x);
    expect(bf.paths).toBe(729);
    const r = forwardBackward(p, x, { transitions: true });
    expect(r.posteriors.length).toBe(18);
    for (let i = 0; i < 18; i++) expect(Math.abs(r.posteriors[i] - bf.post[i])).toBeLessThan(1e-10);
    for (let i = 0; i < 9; i++) expect(Math.abs(r.transitions![i] - bf.xi[i])).toBeLessThan(1e-10);
    expect(Math.abs(r.logLikelihood - bf.logLik)).toBeLessThan(1e-10);
  });

  it('the same with free per-state means, and a missing row contributes no emission', () => {
    const q = { ...p, means: Float64Array.from([0.3, 0.9, 2.6]) };
    const bf = bruteForce(q, x);
    const r = forwardBackward(q, x);
    for (let i = 0; i < 18; i++) expect(Math.abs(r.posteriors[i] - bf.post[i])).toBeLessThan(1e-10);
    // row 2 missing = its emission 1 for every state: brute force with that row's likelihood dropped
    const miss = [0, 0, 1, 0, 0, 0];
    const rm = forwardBackward(q, x, { missing: miss });
    const bm = bruteForce(q, x, miss);
    for (let i = 0; i < 18; i++) expect(Math.abs(rm.posteriors[i] - bm.post[i])).toBeLessThan(1e-10);
    expect(Math.abs(rm.logLikelihood - bm.logLik)).toBeLessThan(1e-10);
  });

  it('viterbi returns the most likely path of the enumeration', () => {
    const S = 3;
    const mu = stateMeans(p);
    let best = -Infinity;
    let bestPath: number[] = [];
    for (let code = 0; code < S ** x.length; code++) {
      const path: number[] = [];
      let c = code;
      for (let t = 0; t < x.length; t++) (path.push(c % S), (c = Math.floor(c / S)));
      let lp = Math.log(p.initial[path[0]] * gauss(x[0], mu[path[0]], p.sigma));
      for (let t = 1; t < x.length; t++) lp += Math.log(p.trans[path[t - 1] * S + path[t]] * gauss(x[t], mu[path[t]], p.sigma));
      if (lp > best) [best, bestPath] = [lp, path];
    }
    expect(Array.from(viterbi(p, x))).toEqual(bestPath);
  });
});

describe('baumWelch', () => {
  it('recovers a two-state chain with known parameters from 40,000 simulated rows (seeded)', () => {
    const truth: GaussianHmmParams = {
      nStates: 2,
      trans: Float64Array.from([0.97, 0.03, 0.08, 0.92]),
      initial: Float64Array.from([1, 0]),
      levels: Float64Array.from([0, 1]),
      slope: 1.23,
      intercept: -2.7,
      sigma: 0.4,
    };
    const rand = uniforms(20260);
    const seqs = [simulateGaussianHmm(truth, 20_000, rand), simulateGaussianHmm(truth, 20_000, rand)];
    const init: GaussianHmmParams = {
      nStates: 2,
      trans: Float64Array.from([0.8, 0.2, 0.2, 0.8]),
      initial: Float64Array.from([0.5, 0.5]),
      levels: Float64Array.from([0, 1]),
      slope: 1,
      intercept: -2.5,
      sigma: 0.6,
    };
    const r = baumWelch(init, seqs.map((s) => s.x), { iterations: 200, tolerance: 1e-9 });
    const f = r.params;
    // tolerances: a few standard errors at 40,000 rows (~1,100 switches each way)
    expect(Math.abs(f.trans[0] - 0.97)).toBeLessThan(0.005);
    expect(Math.abs(f.trans[3] - 0.92)).toBeLessThan(0.01);
    expect(Math.abs(f.slope - 1.23)).toBeLessThan(0.02);
    expect(Math.abs(f.intercept + 2.7)).toBeLessThan(0.02);
    expect(Math.abs(f.sigma - 0.4)).toBeLessThan(0.01);
    // EM never decreases the likelihood
    for (let i = 1; i < r.logLikelihoods.length; i++) expect(r.logLikelihoods[i]).toBeGreaterThan(r.logLikelihoods[i - 1] - 1e-6);
    // decoding with the fitted model: posterior argmax agrees with the simulated states
    const post = forwardBackward(f, seqs[0].x).posteriors;
    let hit = 0;
    for (let t = 0; t < seqs[0].x.length; t++) if ((post[2 * t + 1] > 0.5 ? 1 : 0) === seqs[0].states[t]) hit++;
    expect(hit / seqs[0].x.length).toBeGreaterThan(0.98);
  });

  it('per-state means are recovered too', () => {
    const truth: GaussianHmmParams = {
      nStates: 3,
      trans: Float64Array.from([0.9, 0.08, 0.02, 0.05, 0.9, 0.05, 0.02, 0.08, 0.9]),
      initial: Float64Array.from([1 / 3, 1 / 3, 1 / 3]),
      levels: Float64Array.from([0, 1, 2]),
      slope: 1,
      intercept: 0,
      means: Float64Array.from([0, 1.3, 1.9]),
      sigma: 0.25,
    };
    const s = simulateGaussianHmm(truth, 30_000, uniforms(7));
    const init = { ...truth, means: undefined, trans: Float64Array.from([0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8]), sigma: 0.4 };
    const r = baumWelch(init, [s.x], { iterations: 200, perStateMeans: true });
    expect(Array.from(r.params.means!, (v, k) => Math.abs(v - truth.means![k]) < 0.02)).toEqual([true, true, true]);
    expect(Math.abs(r.params.sigma - 0.25)).toBeLessThan(0.01);
  });
});
