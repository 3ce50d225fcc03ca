import { decodeSegment, forwardBackward } from './bayesDecoder';
import { groupChain, transitionTables } from './markovModel';
import { meanOfOpen } from './generate';
import { Rng } from './rng';

/** A 2-state chain: P = [[0.9, 0.1], [0.2, 0.8]], initial [0.5, 0.5], Gaussian emissions at 0 and 1 (sigma 0.5). */
const P = Float64Array.from([0.9, 0.1, 0.2, 0.8]);
const hmm = { transition: transitionTables(P, 2, 0), initial: Float64Array.from([0.5, 0.5]) };
const obs = [0.1, 0.9, 0.4, 0.6, 1.2, -0.3, 0.55];
const lik = (x: number, s: number): number => Math.exp(-((x - s) ** 2) / (2 * 0.25));

/** Posterior marginals by summing over all 2^T paths. */
function bruteForce(T: number): { post: number[][]; total: number } {
  const post = Array.from({ length: T }, () => [0, 0]);
  let total = 0;
  for (let m = 0; m < 1 << T; m++) {
    const path = Array.from({ length: T }, (_, t) => (m >> t) & 1);
    let p = 0.5 * lik(obs[0], path[0]);
    for (let t = 1; t < T; t++) p *= P[path[t - 1] * 2 + path[t]] * lik(obs[t], path[t]);
    total += p;
    path.forEach((s, t) => (post[t][s] += p));
  }
  return { post: post.map(([a, b]) => [a / total, b / total]), total };
}

function run(T: number, blockRows?: number): { post: number[][]; ll: number; order: number[] } {
  const post: number[][] = Array.from({ length: T }, () => []);
  const order: number[] = [];
  const ll = forwardBackward(
    hmm,
    T,
    (t, out) => {
      out[0] = lik(obs[t], 0);
      out[1] = lik(obs[t], 1);
    },
    (t, g) => {
      post[t] = [g[0], g[1]];
      order.push(t);
    },
    { blockRows },
  );
  return { post, ll, order };
}

describe('forwardBackward', () => {
  it('one row: posterior = prior x likelihood, by hand', () => {
    const { post } = run(1);
    const a = 0.5 * lik(0.1, 0);
    const b = 0.5 * lik(0.1, 1);
    expect(post[0][0]).toBeCloseTo(a / (a + b), 14);
  });

  it.each([undefined, 1, 2, 3])('matches brute-force enumeration of all paths (blockRows %s)', (blockRows) => {
    const T = obs.length;
    const want = bruteForce(T);
    const got = run(T, blockRows);
    for (let t = 0; t < T; t++) {
      expect(got.post[t][0]).toBeCloseTo(want.post[t][0], 12);
      expect(got.post[t][1]).toBeCloseTo(want.post[t][1], 12);
    }
    expect(got.ll).toBeCloseTo(Math.log(want.total), 10);
    expect(got.order).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });

  it('smoothing uses the future: row 2 (0.4) leans to state 1 because of its neighbours', () => {
    const { post } = run(obs.length);
    expect(post[2][1]).toBeGreaterThan(0.5);
    const alone = lik(0.4, 1) / (lik(0.4, 0) + lik(0.4, 1));
    expect(alone).toBeLessThan(0.5);
  });
});

describe('decodeSegment', () => {
  it('beats rounding on a simulated 3-channel recording and agrees with and without checkpointing', () => {
    const chain = groupChain(2, 3);
    const rng = new Rng(5);
    const k = chain.model.states.length;
    const T = 6000;
    const st = Array.from({ length: 3 }, () => rng.categorical(chain.piCdf, 0, k));
    const clean = new Float64Array(T);
    const truth = new Uint8Array(T);
    const mu = meanOfOpen(2);
    for (let t = 0; t < T; t++) {
      let o = 0;
      for (let c = 0; c < 3; c++) {
        if (t) st[c] = rng.categorical(chain.cdf, st[c] * k, k);
        o += chain.model.open[st[c]];
      }
      truth[t] = o;
      clean[t] = mu[o] + 0.45 * rng.normal();
    }
    const dec = decodeSegment({ chain, clean, meanOfOpen: mu, sigma: 0.45 });
    const blocked = decodeSegment({ chain, clean, meanOfOpen: mu, sigma: 0.45 }, { blockRows: 700 });
    expect(Array.from(blocked.map)).toEqual(Array.from(dec.map));
    expect(blocked.logLikelihood).toBeCloseTo(dec.logLikelihood, 6);
    let accBayes = 0;
    let accRound = 0;
    for (let t = 0; t < T; t++) {
      accBayes += +(dec.map[t] === truth[t]);
      accRound += +(Math.min(3, Math.max(0, Math.round((clean[t] - mu[0]) / (mu[1] - mu[0])))) === truth[t]);
    }
    expect(accBayes / T).toBeGreaterThan(accRound / T + 0.02);
  });
});
