/**
 * Channel gating as continuous-time Markov chains, discretised at 10 kHz, and
 * the aggregated chain of n independent identical channels.
 *
 * One channel: states (closed and open) with transition rates in 1/s; the
 * per-sample transition matrix is P = expm(Q * dt), dt = 0.0001 s.
 *
 * n channels: the exact aggregated chain lives on occupancy vectors (how many
 * channels are in each state; C(n+k-1, k-1) of them) because the channels are
 * exchangeable. Its transition probabilities are convolutions of multinomials
 * (each group of m_s channels in state s moves as Multinomial(m_s, P[s, :])).
 * The open count of an occupancy state is the number of channels in open
 * states: that is the label.
 */
import { ION_SAMPLE_RATE_HZ } from '@repro/io';

export interface ChannelModel {
  name: string;
  /** State names, e.g. C1, C2, C3, O1. */
  states: string[];
  /** 1 for open (conducting) states, 0 for closed. */
  open: number[];
  /** Transition rates [from, to, rate per second]. */
  rates: Array<[number, number, number]>;
}

/**
 * The channel kinetics of each group (index = group id). Rates differ so that
 * dwell times differ: slow vs fast single channels etc. The 10-channel group
 * is the sum of two independent 5-channel recordings, so it has the 5-channel
 * kinetics (its index 4 entry is the same model).
 */
export const CHANNEL_MODELS: readonly ChannelModel[] = (() => {
  const slow: ChannelModel = {
    name: '1ch-slow: C1-C2-C3-O1-O2 (bursting, ~10% open, open dwell ~3 ms)',
    states: ['C1', 'C2', 'C3', 'O1', 'O2'],
    open: [0, 0, 0, 1, 1],
    rates: [
      [0, 1, 20], [1, 0, 50],
      [1, 2, 100], [2, 1, 100],
      [2, 3, 100], [3, 2, 300],
      [3, 4, 100], [4, 3, 200],
    ],
  };
  const fast: ChannelModel = {
    name: '1ch-fast: C1-C2-C3-O (~23% open, open dwell 0.5 ms)',
    states: ['C1', 'C2', 'C3', 'O'],
    open: [0, 0, 0, 1],
    rates: [
      [0, 1, 300], [1, 0, 300],
      [1, 2, 800], [2, 1, 600],
      [2, 3, 1500], [3, 2, 2000],
    ],
  };
  const three: ChannelModel = {
    name: '3ch: C1-C2-C3-O1-O2 (~37% open per channel)',
    states: ['C1', 'C2', 'C3', 'O1', 'O2'],
    open: [0, 0, 0, 1, 1],
    rates: [
      [0, 1, 100], [1, 0, 200],
      [1, 2, 300], [2, 1, 200],
      [2, 3, 600], [3, 2, 500],
      [3, 4, 150], [4, 3, 300],
    ],
  };
  // Two closed states only: the 10-channel group's exact occupancy chain then
  // has C(12, 2) = 66 states (with 3 closed states it would be 286, and the
  // Bayes decoder about 20x slower).
  const five: ChannelModel = {
    name: '5ch (and each half of 10ch): C1-C2-O (~57% open per channel, open dwell 0.8 ms)',
    states: ['C1', 'C2', 'O'],
    open: [0, 0, 1],
    rates: [
      [0, 1, 900], [1, 0, 600],
      [1, 2, 2700], [2, 1, 1200],
    ],
  };
  return [slow, fast, three, five, five];
})();

/** Rate matrix Q (k x k, row-major; rows sum to 0). */
export function rateMatrix(model: ChannelModel): Float64Array {
  const k = model.states.length;
  const q = new Float64Array(k * k);
  for (const [from, to, rate] of model.rates) {
    if (from === to || rate < 0) throw new RangeError(`${model.name}: bad rate ${from}->${to} = ${rate}`);
    q[from * k + to] += rate;
    q[from * k + from] -= rate;
  }
  return q;
}

function matMul(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const c = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l];
      if (ail === 0) continue;
      for (let j = 0; j < k; j++) c[i * k + j] += ail * b[l * k + j];
    }
  }
  return c;
}

/** expm(A) by scaling and squaring with a 20-term Taylor series (small matrices only). */
export function expm(a: Float64Array, k: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.abs(a[i * k + j]);
    norm = Math.max(norm, s);
  }
  const squarings = Math.max(0, Math.ceil(Math.log2(norm / 0.25)));
  const scale = 2 ** -squarings;
  const x = a.map((v) => v * scale);
  const result = new Float64Array(k * k);
  let term: Float64Array = new Float64Array(k * k);
  for (let i = 0; i < k; i++) term[i * k + i] = 1;
  result.set(term);
  for (let n = 1; n <= 20; n++) {
    term = matMul(term, x, k).map((v) => v / n);
    for (let i = 0; i < k * k; i++) result[i] += term[i];
  }
  let r: Float64Array = result;
  for (let s = 0; s < squarings; s++) r = matMul(r, r, k);
  return r;
}

/** Per-sample transition matrix at 10 kHz; rows renormalised to sum to 1. */
export function transitionMatrix(model: ChannelModel, dt = 1 / ION_SAMPLE_RATE_HZ): Float64Array {
  const k = model.states.length;
  const q = rateMatrix(model).map((v) => v * dt);
  const p = expm(q, k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      if (p[i * k + j] < 0) p[i * k + j] = 0;
      s += p[i * k + j];
    }
    for (let j = 0; j < k; j++) p[i * k + j] /= s;
  }
  return p;
}

/** Stationary distribution of a row-stochastic k x k matrix (repeated squaring). */
export function stationary(p: Float64Array, k: number): Float64Array {
  let m = p;
  for (let s = 0; s < 40; s++) m = matMul(m, m, k);
  const pi = new Float64Array(k);
  for (let j = 0; j < k; j++) pi[j] = m[j];
  const sum = pi.reduce((a, b) => a + b, 0);
  return pi.map((v) => v / sum);
}

/** Occupancy vectors of n channels over k states. */
export interface Occupancy {
  n: number;
  k: number;
  /** Number of occupancy states S = C(n+k-1, k-1). */
  size: number;
  /** counts[s * k + j] = channels in state j. */
  counts: Uint8Array;
  /** Key (counts as a base-(n+1) number) -> state index. */
  index: Map<number, number>;
}

export function occupancyKey(counts: ArrayLike<number>, off: number, k: number, n: number): number {
  let key = 0;
  for (let j = k - 1; j >= 0; j--) key = key * (n + 1) + counts[off + j];
  return key;
}

export function occupancy(n: number, k: number): Occupancy {
  const vecs: number[][] = [];
  const rec = (j: number, left: number, cur: number[]): void => {
    if (j === k - 1) {
      vecs.push([...cur, left]);
      return;
    }
    for (let c = left; c >= 0; c--) rec(j + 1, left - c, [...cur, c]);
  };
  rec(0, n, []);
  const counts = new Uint8Array(vecs.length * k);
  const index = new Map<number, number>();
  vecs.forEach((v, s) => {
    counts.set(v, s * k);
    index.set(occupancyKey(v, 0, k, n), s);
  });
  return { n, k, size: vecs.length, counts, index };
}

/** Open channels of each occupancy state. */
export function openCounts(occ: Occupancy, open: readonly number[]): Int32Array {
  const out = new Int32Array(occ.size);
  for (let s = 0; s < occ.size; s++) {
    let o = 0;
    for (let j = 0; j < occ.k; j++) o += occ.counts[s * occ.k + j] * open[j];
    out[s] = o;
  }
  return out;
}

const LOG_FACT: number[] = [0];
function logFact(n: number): number {
  while (LOG_FACT.length <= n) LOG_FACT.push(LOG_FACT[LOG_FACT.length - 1] + Math.log(LOG_FACT.length));
  return LOG_FACT[n];
}

/** All ways to put m channels into k bins, with their multinomial probability under `probs`. */
function multinomialOutcomes(m: number, probs: ArrayLike<number>, off: number, k: number): Array<[number[], number]> {
  const out: Array<[number[], number]> = [];
  const rec = (j: number, left: number, cur: number[]): void => {
    if (j === k - 1) {
      const v = [...cur, left];
      let lp = logFact(m);
      let zero = false;
      for (let t = 0; t < k; t++) {
        if (v[t] === 0) continue;
        const p = probs[off + t];
        if (p <= 0) {
          zero = true;
          break;
        }
        lp += v[t] * Math.log(p) - logFact(v[t]);
      }
      if (!zero) out.push([v, Math.exp(lp)]);
      return;
    }
    for (let c = 0; c <= left; c++) rec(j + 1, left - c, [...cur, c]);
  };
  rec(0, m, []);
  return out;
}

/**
 * The exact aggregated transition matrix (S x S, row-major) of n independent
 * channels with per-channel matrix p (k x k).
 */
export function aggregatedTransition(p: Float64Array, occ: Occupancy): Float64Array {
  const { k, n, size } = occ;
  const out = new Float64Array(size * size);
  const outcomes: Array<Array<Array<[number[], number]>>> = [];
  for (let s = 0; s < k; s++) {
    outcomes.push([]);
    for (let m = 0; m <= n; m++) outcomes[s].push(multinomialOutcomes(m, p, s * k, k));
  }
  for (let from = 0; from < size; from++) {
    // dist: partial destination occupancy (as key) -> probability
    let dist = new Map<number, number>([[0, 1]]);
    const base = n + 1;
    for (let s = 0; s < k; s++) {
      const m = occ.counts[from * k + s];
      if (m === 0) continue;
      const next = new Map<number, number>();
      for (const [key, pr] of dist) {
        for (const [v, q] of outcomes[s][m]) {
          let add = 0;
          let mul = 1;
          for (let j = 0; j < k; j++) {
            add += v[j] * mul;
            mul *= base;
          }
          const nk = key + add;
          next.set(nk, (next.get(nk) ?? 0) + pr * q);
        }
      }
      dist = next;
    }
    for (const [key, pr] of dist) {
      const to = occ.index.get(key);
      if (to === undefined) throw new Error(`aggregatedTransition: unknown occupancy key ${key}`);
      out[from * size + to] += pr;
    }
  }
  return out;
}

/** Distribution over occupancy states when each channel is drawn from pi independently. */
export function aggregatedInitial(pi: Float64Array, occ: Occupancy): Float64Array {
  const out = new Float64Array(occ.size);
  for (let s = 0; s < occ.size; s++) {
    let lp = logFact(occ.n);
    let zero = false;
    for (let j = 0; j < occ.k; j++) {
      const c = occ.counts[s * occ.k + j];
      if (c === 0) continue;
      if (pi[j] <= 0) zero = true;
      else lp += c * Math.log(pi[j]) - logFact(c);
    }
    out[s] = zero ? 0 : Math.exp(lp);
  }
  return out;
}

/**
 * A row-stochastic S x S matrix as dense row-major P and its transpose (the
 * decoder's forward pass runs over rows of P, the backward pass over rows of
 * P^T: both contiguous).
 */
export interface Transition {
  size: number;
  p: Float64Array;
  pT: Float64Array;
  /** Entries kept (>= threshold). */
  nnz: number;
}

/**
 * Transition tables of a dense S x S matrix: entries below `threshold` are
 * set to 0 and rows renormalised (the dropped mass is below threshold * S per
 * row; at the default 1e-12 no posterior changes visibly).
 */
export function transitionTables(dense: Float64Array, size: number, threshold = 1e-12): Transition {
  const p = new Float64Array(size * size);
  const pT = new Float64Array(size * size);
  let nnz = 0;
  for (let i = 0; i < size; i++) {
    let s = 0;
    for (let j = 0; j < size; j++) {
      const v = dense[i * size + j];
      if (v >= threshold) {
        p[i * size + j] = v;
        s += v;
        nnz++;
      }
    }
    for (let j = 0; j < size; j++) p[i * size + j] /= s;
  }
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) pT[j * size + i] = p[i * size + j];
  return { size, p, pT, nnz };
}

/** Everything about one group's channel model that simulation and decoding need. */
export interface GroupChain {
  group: number;
  channels: number;
  model: ChannelModel;
  /** Per-channel transition matrix (k x k) and its row CDFs. */
  p: Float64Array;
  cdf: Float64Array;
  /** Per-channel stationary distribution and its CDF. */
  pi: Float64Array;
  piCdf: Float64Array;
  /** Channels per simulated recording: 10ch = 2 recordings of 5. */
  recordings: number;
  channelsPerRecording: number;
  /** Occupancy chain of one recording (its index is the hidden-state truth). */
  recordingOccupancy: Occupancy;
  /** Occupancy chain of all the group's channels (what the Bayes decoder runs on). */
  occupancy: Occupancy;
  openOfState: Int32Array;
  initial: Float64Array;
  transition: Transition;
}

function cdfRows(p: Float64Array, k: number): Float64Array {
  const c = new Float64Array(p.length);
  for (let i = 0; i < p.length / k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      s += p[i * k + j];
      c[i * k + j] = s;
    }
    c[i * k + k - 1] = 1;
  }
  return c;
}

export function groupChain(group: number, channels: number, model: ChannelModel = CHANNEL_MODELS[group]): GroupChain {
  const k = model.states.length;
  const p = transitionMatrix(model);
  const pi = stationary(p, k);
  const recordings = channels > 5 ? 2 : 1;
  const channelsPerRecording = channels / recordings;
  const occ = occupancy(channels, k);
  const dense = aggregatedTransition(p, occ);
  return {
    group,
    channels,
    model,
    p,
    cdf: cdfRows(p, k),
    pi,
    piCdf: cdfRows(pi, k),
    recordings,
    channelsPerRecording,
    recordingOccupancy: recordings > 1 ? occupancy(channelsPerRecording, k) : occ,
    occupancy: occ,
    openOfState: openCounts(occ, model.open),
    initial: aggregatedInitial(pi, occ),
    transition: transitionTables(dense, occ.size),
  };
}
