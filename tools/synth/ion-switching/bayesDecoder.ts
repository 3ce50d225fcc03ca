/**
 * The Bayes-optimal decoder for the synthetic data: forward-backward on the
 * true aggregated HMM of each batch, with the true Gaussian emission around
 * the drift-free, mains-free level of each open count. The decoder knows the
 * model exactly (rates, noise, offsets, drift, mains), so its per-row MAP of
 * the posterior over open counts is the ceiling a learned model can approach.
 *
 * State space: the occupancy chain of the group's n identical, independent
 * channels (see markovModel.ts). For the 10-channel group (two independent
 * 5-channel recordings with the same kinetics) the occupancy chain of all 10
 * channels is exact, not an approximation: the sum of two 5-channel
 * occupancies is a 10-channel occupancy with the same per-channel dynamics,
 * and the emission depends only on the total open count. With 4 states per
 * channel (C1-C2-O) that is 66 states; decoding the two 5-channel
 * recordings as independent chains instead would need 21^2 = 441 joint states.
 *
 * Numerics: alpha is normalised every row (scaled forward), beta likewise;
 * states whose mass is below 1e-30 of the row's total are skipped in the
 * matrix-vector products (they cannot move any posterior visibly); to
 * bound memory on long batches the forward pass stores checkpoints every
 * `blockRows` rows and recomputes each block's alphas during the backward
 * pass (one extra forward pass when a batch does not fit in one block).
 *
 * MAP per row of the posterior over open counts maximises expected accuracy;
 * it is not tuned for macro F1 (per-class thresholds could add a little).
 */
import type { GroupChain, Transition } from './markovModel';

export interface Hmm {
  transition: Transition;
  /** Distribution of the first row's state. */
  initial: Float64Array;
}

export interface ForwardBackwardOptions {
  /**
   * Most alpha + emission values held at once (Float64); batches longer than
   * this / (2 * states) rows use checkpointing.
   * @default 8_388_608 (64 MiB)
   */
  maxStoredValues?: number;
  /** Force a block length (tests). */
  blockRows?: number;
  /**
   * Probability mass below which a state is skipped in the sums (alpha
   * entries are normalised to sum 1; beta-times-emission entries relative to
   * their sum). 0 = exact.
   * @default 1e-30
   */
  skipBelow?: number;
}

/**
 * Forward-backward. `emission(t, out)` writes the (unnormalised) likelihood
 * of row t under each state; `posterior(t, gamma)` receives the normalised
 * posterior P(state_t | all rows), in decreasing t. Returns the log-likelihood
 * of the rows (up to the emission functions' constant factors).
 */
export function forwardBackward(
  hmm: Hmm,
  nRows: number,
  emission: (t: number, out: Float64Array) => void,
  posterior: (t: number, gamma: Float64Array) => void,
  options: ForwardBackwardOptions = {},
): number {
  const tr = hmm.transition;
  const S = tr.size;
  if (hmm.initial.length !== S) throw new RangeError(`forwardBackward: initial has ${hmm.initial.length} states, transition ${S}`);
  if (nRows <= 0) return 0;
  const maxStored = options.maxStoredValues ?? 8_388_608;
  const skip = options.skipBelow ?? 1e-30;
  const B = Math.max(1, Math.min(nRows, options.blockRows ?? Math.max(64, Math.floor(maxStored / (2 * S)))));
  const nBlocks = Math.ceil(nRows / B);
  const { p, pT } = tr;
  const acc = new Float64Array(S);

  /** alpha_t = normalise((alpha_{t-1} P) o e_t), alpha_{-1} P := initial; returns the normaliser. */
  const step = (prev: Float64Array | null, prevOff: number, out: Float64Array, outOff: number, em: Float64Array, emOff: number): number => {
    if (prev === null) acc.set(hmm.initial);
    else {
      acc.fill(0);
      for (let i = 0; i < S; i++) {
        const a = prev[prevOff + i];
        if (a <= skip) continue;
        const row = i * S;
        for (let j = 0; j < S; j++) acc[j] += a * p[row + j];
      }
    }
    let total = 0;
    for (let j = 0; j < S; j++) {
      const v = acc[j] * em[emOff + j];
      out[outOff + j] = v;
      total += v;
    }
    if (!(total > 0) || !Number.isFinite(total)) {
      throw new Error('forwardBackward: all states have zero probability at some row (emission underflow or impossible observation)');
    }
    const inv = 1 / total;
    for (let j = 0; j < S; j++) out[outOff + j] *= inv;
    return total;
  };

  let logLik = 0;
  // Pass 1 (only when there is more than one block): alphas at the last row before each block.
  const checkpoints = new Float64Array(nBlocks * S);
  if (nBlocks > 1) {
    const e = new Float64Array(S);
    let a = new Float64Array(S);
    let b = new Float64Array(S);
    for (let t = 0; t < nRows; t++) {
      emission(t, e);
      logLik += Math.log(step(t === 0 ? null : a, 0, b, 0, e, 0));
      [a, b] = [b, a];
      if ((t + 1) % B === 0 && (t + 1) / B < nBlocks) checkpoints.set(a, ((t + 1) / B) * S);
    }
  }

  const alphas = new Float64Array(B * S);
  const ems = new Float64Array(B * S);
  let beta = new Float64Array(S).fill(1 / S);
  let betaNext = new Float64Array(S);
  const gamma = new Float64Array(S);
  const w = new Float64Array(S);
  for (let blk = nBlocks - 1; blk >= 0; blk--) {
    const start = blk * B;
    const end = Math.min(nRows, start + B);
    for (let t = start; t < end; t++) {
      const off = (t - start) * S;
      emission(t, ems.subarray(off, off + S));
      const z =
        t === 0
          ? step(null, 0, alphas, off, ems, off)
          : t === start
            ? step(checkpoints, blk * S, alphas, off, ems, off)
            : step(alphas, off - S, alphas, off, ems, off);
      if (nBlocks === 1) logLik += Math.log(z);
    }
    for (let t = end - 1; t >= start; t--) {
      const off = (t - start) * S;
      let g = 0;
      for (let j = 0; j < S; j++) {
        const v = alphas[off + j] * beta[j];
        gamma[j] = v;
        g += v;
      }
      const inv = 1 / g;
      for (let j = 0; j < S; j++) gamma[j] *= inv;
      posterior(t, gamma);
      if (t === 0) break;
      // beta_{t-1}[i] = sum_j P[i, j] e_t[j] beta_t[j]  =  sum_j w[j] P^T[j, i]
      let wsum = 0;
      for (let j = 0; j < S; j++) {
        w[j] = ems[off + j] * beta[j];
        wsum += w[j];
      }
      const cut = skip * wsum;
      betaNext.fill(0);
      for (let j = 0; j < S; j++) {
        const wj = w[j];
        if (wj <= cut) continue;
        const row = j * S;
        for (let i = 0; i < S; i++) betaNext[i] += wj * pT[row + i];
      }
      let total = 0;
      for (let i = 0; i < S; i++) total += betaNext[i];
      const invB = 1 / total;
      for (let i = 0; i < S; i++) betaNext[i] *= invB;
      [beta, betaNext] = [betaNext, beta];
    }
  }
  return logLik;
}

export interface DecodeSegmentInput {
  chain: GroupChain;
  /** The signal with the known drift and mains removed. */
  clean: ArrayLike<number>;
  /** Emission mean of each open count 0..channels. */
  meanOfOpen: ArrayLike<number>;
  /** Noise sigma of each row (outlier rows are noisier), or one value for all. */
  sigma: number | ArrayLike<number>;
}

export interface DecodeSegmentResult {
  /** MAP open count per row. */
  map: Uint8Array;
  /** Posterior probability of the MAP class per row. */
  confidence: Float32Array;
  logLikelihood: number;
}

/** Posterior-MAP open counts of one batch/chunk under its true HMM. */
export function decodeSegment(input: DecodeSegmentInput, options: ForwardBackwardOptions = {}): DecodeSegmentResult {
  const { chain, clean, meanOfOpen, sigma } = input;
  const n = chain.channels;
  const T = clean.length;
  const S = chain.occupancy.size;
  const openOf = chain.openOfState;
  const eo = new Float64Array(n + 1);
  const po = new Float64Array(n + 1);
  const map = new Uint8Array(T);
  const confidence = new Float32Array(T);
  const sig = typeof sigma === 'number' ? null : sigma;
  const emission = (t: number, out: Float64Array): void => {
    const x = clean[t];
    const s = sig ? sig[t] : (sigma as number);
    const inv2 = 1 / (2 * s * s);
    let minD = Infinity;
    for (let o = 0; o <= n; o++) {
      const d = x - meanOfOpen[o];
      const q = d * d * inv2;
      eo[o] = q;
      if (q < minD) minD = q;
    }
    // Floor: keeps every state possible so an extreme outlier can never zero a whole row.
    for (let o = 0; o <= n; o++) eo[o] = Math.max(1e-250, Math.exp(minD - eo[o]));
    for (let j = 0; j < S; j++) out[j] = eo[openOf[j]];
  };
  const post = (t: number, gamma: Float64Array): void => {
    po.fill(0);
    for (let j = 0; j < S; j++) po[openOf[j]] += gamma[j];
    let best = 0;
    for (let o = 1; o <= n; o++) if (po[o] > po[best]) best = o;
    map[t] = best;
    confidence[t] = po[best];
  };
  const logLikelihood = forwardBackward({ transition: chain.transition, initial: chain.initial }, T, emission, post, options);
  return { map, confidence, logLikelihood };
}
