import {
  aggregatedInitial,
  aggregatedTransition,
  CHANNEL_MODELS,
  expm,
  groupChain,
  occupancy,
  openCounts,
  stationary,
  transitionMatrix,
  type ChannelModel,
} from './markovModel';
import { Rng } from './rng';

const twoState: ChannelModel = { name: 'C-O', states: ['C', 'O'], open: [0, 1], rates: [[0, 1, 300], [1, 0, 700]] };

describe('markovModel', () => {
  it('discretises a 2-state CTMC like the closed form', () => {
    // P(C->O in dt) = a/(a+b) * (1 - exp(-(a+b) dt))
    const p = transitionMatrix(twoState);
    const a = 300;
    const b = 700;
    const dt = 1e-4;
    const decay = Math.exp(-(a + b) * dt);
    expect(p[1]).toBeCloseTo((a / (a + b)) * (1 - decay), 14);
    expect(p[2]).toBeCloseTo((b / (a + b)) * (1 - decay), 14);
    expect(p[0] + p[1]).toBeCloseTo(1, 14);
    expect(Array.from(stationary(p, 2))).toEqual([expect.closeTo(0.7, 10), expect.closeTo(0.3, 10)]);
  });

  it('expm of a diagonal matrix is the exponential of its entries', () => {
    const e = expm(Float64Array.from([2, 0, 0, -3]), 2);
    expect(e[0]).toBeCloseTo(Math.exp(2), 10);
    expect(e[3]).toBeCloseTo(Math.exp(-3), 12);
    expect(e[1]).toBe(0);
  });

  it('enumerates occupancy vectors: C(n+k-1, k-1) of them, each summing to n', () => {
    expect(occupancy(10, 3).size).toBe(66);
    expect(occupancy(3, 5).size).toBe(35);
    const occ = occupancy(5, 3);
    expect(occ.size).toBe(21);
    for (let s = 0; s < occ.size; s++) expect(occ.counts[s * 3] + occ.counts[s * 3 + 1] + occ.counts[s * 3 + 2]).toBe(5);
    expect(Array.from(openCounts(occ, [0, 0, 1])).sort((x, y) => x - y)[20]).toBe(5);
  });

  it('aggregated 2-channel chain equals the lumped product of two independent channels', () => {
    const p = transitionMatrix(twoState);
    const occ = occupancy(2, 2);
    const agg = aggregatedTransition(p, occ);
    // occupancy = (#C, #O); brute force over the 4 joint states
    const joint = (from: number[], to: number[]): number => p[from[0] * 2 + to[0]] * p[from[1] * 2 + to[1]];
    for (let i = 0; i < occ.size; i++) {
      const nO = occ.counts[i * 2 + 1];
      const from = nO === 0 ? [0, 0] : nO === 1 ? [0, 1] : [1, 1];
      for (let j = 0; j < occ.size; j++) {
        const mO = occ.counts[j * 2 + 1];
        let want = 0;
        for (const a of [0, 1]) for (const b of [0, 1]) if (a + b === mO) want += joint(from, [a, b]);
        expect(agg[i * occ.size + j]).toBeCloseTo(want, 14);
      }
    }
    const init = aggregatedInitial(Float64Array.from([0.7, 0.3]), occ);
    const byOpen = (o: number): number => init[Array.from({ length: 3 }, (_, s) => s).find((s) => occ.counts[s * 2 + 1] === o)!];
    expect(byOpen(0)).toBeCloseTo(0.49, 12);
    expect(byOpen(1)).toBeCloseTo(0.42, 12);
    expect(byOpen(2)).toBeCloseTo(0.09, 12);
  });

  it('every group chain is row-stochastic and its initial distribution is stationary', () => {
    for (const [g, n] of [[0, 1], [1, 1], [2, 3], [3, 5], [4, 10]]) {
      const c = groupChain(g, n);
      const S = c.occupancy.size;
      const next = new Float64Array(S);
      for (let i = 0; i < S; i++) {
        let row = 0;
        for (let j = 0; j < S; j++) {
          row += c.transition.p[i * S + j];
          next[j] += c.initial[i] * c.transition.p[i * S + j];
          expect(c.transition.pT[j * S + i]).toBe(c.transition.p[i * S + j]);
        }
        expect(row).toBeCloseTo(1, 12);
      }
      for (let j = 0; j < S; j++) expect(next[j]).toBeCloseTo(c.initial[j], 9);
      expect(Math.max(...c.openOfState)).toBe(n);
    }
  });

  it('dwell times differ between the slow and the fast single channel', () => {
    const openDwell = (m: ChannelModel): number => {
      const o = m.open.indexOf(1);
      const out = m.rates.filter(([from, to]) => from === o && !m.open[to]).reduce((s, r) => s + r[2], 0);
      return 1 / out;
    };
    expect(openDwell(CHANNEL_MODELS[0])).toBeGreaterThan(5 * openDwell(CHANNEL_MODELS[1]));
  });

  it('a simulated channel spends its stationary share of time open', () => {
    const c = groupChain(1, 1);
    const rng = new Rng(7);
    const k = c.model.states.length;
    let s = rng.categorical(c.piCdf, 0, k);
    let open = 0;
    const T = 200_000;
    for (let t = 0; t < T; t++) {
      s = rng.categorical(c.cdf, s * k, k);
      open += c.model.open[s];
    }
    const pOpen = c.pi.reduce((a, v, j) => a + v * c.model.open[j], 0);
    expect(open / T).toBeCloseTo(pOpen, 1);
    expect(Math.abs(open / T - pOpen)).toBeLessThan(0.02);
  });
});

describe('Rng', () => {
  it('is deterministic per (seed, stream) and differs across them', () => {
    const draw = (seed: number, stream: number): number[] => {
      const r = new Rng(seed, stream);
      return Array.from({ length: 5 }, () => r.nextU32());
    };
    expect(draw(42, 3)).toEqual(draw(42, 3));
    expect(draw(42, 3)).not.toEqual(draw(42, 4));
    expect(draw(42, 3)).not.toEqual(draw(43, 3));
  });

  it('gives standard normals', () => {
    const r = new Rng(1);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});
