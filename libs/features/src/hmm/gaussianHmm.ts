/**
 * A Gaussian hidden Markov model over S discrete states, in plain TypeScript (Float64Array loops):
 * scaled forward-backward (per-row posteriors and the expected transition counts), Baum-Welch (EM)
 * for the initial distribution, the full transition matrix and the Gaussian emissions, and Viterbi.
 *
 * Emissions: state s emits N(mean_s, sigma^2) with one shared sigma. The means are either tied to a
 * known level per state, mean_s = slope * level_s + intercept (`perStateMeans: false`: two free
 * numbers whatever S is; for ion channels the level is the open-channel count of the state), or
 * free per state (`perStateMeans: true`).
 *
 * Numerics: alpha_t is normalised to sum 1 every row (scale c_t); beta_t is divided by the same
 * c_{t+1}, so gamma_t = alpha_t * beta_t needs no renormalisation and log P(x) = sum_t log c_t.
 * Memory: T x S Float64 for alpha and T x S for the emissions (500,000 rows x 11 states: 88 MB);
 * long recordings are best passed as several sequences (one per batch), which is also what the
 * data are (the chain restarts at each batch).
 */

export interface GaussianHmmParams {
  /** Number of hidden states S. */
  nStates: number;
  /** S x S row-stochastic transition matrix, row-major: trans[i * S + j] = P(j at t+1 | i at t). */
  trans: Float64Array;
  /** Initial state distribution (length S). */
  initial: Float64Array;
  /** Level of each state (length S): the emission mean is slope * level + intercept unless `means` is set. */
  levels: Float64Array;
  slope: number;
  intercept: number;
  /** Free per-state means (length S); when present they replace slope * level + intercept. */
  means?: Float64Array;
  /** Shared emission standard deviation. */
  sigma: number;
}

/** Emission mean of every state. */
export function stateMeans(p: GaussianHmmParams): Float64Array {
  if (p.means) return Float64Array.from(p.means);
  return Float64Array.from(p.levels, (l) => p.slope * l + p.intercept);
}

function checkParams(p: GaussianHmmParams): void {
  const S = p.nStates;
  if (!(Number.isInteger(S) && S >= 1)) throw new Error(`GaussianHmm: nStates must be a positive integer, got ${S}`);
  if (p.trans.length !== S * S) throw new Error(`GaussianHmm: trans must hold ${S} x ${S} values, got ${p.trans.length}`);
  if (p.initial.length !== S || p.levels.length !== S || (p.means && p.means.length !== S)) throw new Error(`GaussianHmm: initial, levels (and means) must hold ${S} values`);
  if (!(p.sigma > 0)) throw new Error(`GaussianHmm: sigma must be > 0, got ${p.sigma}`);
}

/** Unnormalised Gaussian likelihoods of each row under each state (T x S), the constant 1/(sigma sqrt(2 pi)) left out. */
function emissions(p: GaussianHmmParams, x: ArrayLike<number>, missing?: ArrayLike<number>): Float64Array {
  const S = p.nStates;
  const mu = stateMeans(p);
  const inv = 1 / (2 * p.sigma * p.sigma);
  const e = new Float64Array(x.length * S);
  for (let t = 0; t < x.length; t++) {
    const o = t * S;
    if (missing && missing[t]) {
      e.fill(1, o, o + S);
      continue;
    }
    const v = x[t];
    let any = 0;
    for (let s = 0; s < S; s++) {
      const d = v - mu[s];
      any += e[o + s] = Math.exp(-d * d * inv);
    }
    // A row far from every mean (all likelihoods underflow) carries no information: treat as missing.
    if (!(any > 0)) e.fill(1, o, o + S);
  }
  return e;
}

export interface ForwardBackwardResult {
  /** T x S posteriors P(state_t = s | x), rows sum to 1. */
  posteriors: Float64Array;
  /** log P(x) (with the emission densities' 1/(sigma sqrt(2 pi)) included). */
  logLikelihood: number;
  /** S x S expected transition counts sum_t P(s_t = i, s_{t+1} = j | x) (with `transitions: true`). */
  transitions?: Float64Array;
}

/**
 * Scaled forward-backward on one sequence. `missing[t]` truthy: row t is unobserved (all
 * emissions 1; its posterior comes from the chain alone).
 */
export function forwardBackward(p: GaussianHmmParams, x: ArrayLike<number>, opts: { transitions?: boolean; missing?: ArrayLike<number> } = {}): ForwardBackwardResult {
  checkParams(p);
  const S = p.nStates;
  const T = x.length;
  if (T === 0) return { posteriors: new Float64Array(0), logLikelihood: 0, transitions: opts.transitions ? new Float64Array(S * S) : undefined };
  const A = p.trans;
  const e = emissions(p, x, opts.missing);
  const alpha = new Float64Array(T * S);
  const scale = new Float64Array(T);
  let logLik = 0;
  let nObserved = 0;
  // forward
  for (let t = 0; t < T; t++) {
    const o = t * S;
    let c = 0;
    if (t === 0) {
      for (let s = 0; s < S; s++) c += alpha[s] = p.initial[s] * e[s];
    } else {
      const q = o - S;
      for (let j = 0; j < S; j++) {
        let v = 0;
        for (let i = 0; i < S; i++) v += alpha[q + i] * A[i * S + j];
        c += alpha[o + j] = v * e[o + j];
      }
    }
    if (!(c > 0)) throw new Error(`forwardBackward: zero likelihood at row ${t} (a transition or initial probability of 0 where the data need it)`);
    for (let s = 0; s < S; s++) alpha[o + s] /= c;
    scale[t] = c;
    logLik += Math.log(c);
    if (!(opts.missing && opts.missing[t])) nObserved++;
  }
  logLik -= nObserved * Math.log(p.sigma * Math.sqrt(2 * Math.PI));
  // backward: beta_t scaled by 1 / c_{t+1}; gamma = alpha * beta (already normalised)
  const post = alpha; // overwritten in place, row t is no longer needed once gamma_t is known
  const xi = opts.transitions ? new Float64Array(S * S) : undefined;
  let beta = new Float64Array(S).fill(1);
  let next = new Float64Array(S);
  const be = new Float64Array(S);
  for (let t = T - 1; t >= 0; t--) {
    const o = t * S;
    if (t < T - 1) {
      // be_j = beta_{t+1}(j) * e_{t+1}(j) / c_{t+1}
      const o1 = o + S;
      const c1 = scale[t + 1];
      for (let j = 0; j < S; j++) be[j] = (beta[j] * e[o1 + j]) / c1;
      if (xi) {
        for (let i = 0; i < S; i++) {
          const a = alpha[o + i];
          if (a === 0) continue;
          const r = i * S;
          for (let j = 0; j < S; j++) xi[r + j] += a * A[r + j] * be[j];
        }
      }
      for (let i = 0; i < S; i++) {
        let v = 0;
        const r = i * S;
        for (let j = 0; j < S; j++) v += A[r + j] * be[j];
        next[i] = v;
      }
      [beta, next] = [next, beta];
    }
    let z = 0;
    for (let s = 0; s < S; s++) z += post[o + s] = alpha[o + s] * beta[s];
    // z is 1 up to rounding; renormalise to keep the rows exact
    for (let s = 0; s < S; s++) post[o + s] /= z;
  }
  return { posteriors: post, logLikelihood: logLik, transitions: xi };
}

/** Most likely state path (Viterbi, in log space). */
export function viterbi(p: GaussianHmmParams, x: ArrayLike<number>): Int32Array {
  checkParams(p);
  const S = p.nStates;
  const T = x.length;
  const out = new Int32Array(T);
  if (T === 0) return out;
  const mu = stateMeans(p);
  const inv = 1 / (2 * p.sigma * p.sigma);
  const logA = Float64Array.from(p.trans, Math.log);
  const back = new Int32Array(T * S);
  let d = Float64Array.from(mu, (m, s) => Math.log(p.initial[s]) - (x[0] - m) ** 2 * inv);
  let nd = new Float64Array(S);
  for (let t = 1; t < T; t++) {
    for (let j = 0; j < S; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < S; i++) {
        const v = d[i] + logA[i * S + j];
        if (v > best) [best, arg] = [v, i];
      }
      nd[j] = best - (x[t] - mu[j]) ** 2 * inv;
      back[t * S + j] = arg;
    }
    [d, nd] = [nd, d];
  }
  let s = 0;
  for (let j = 1; j < S; j++) if (d[j] > d[s]) s = j;
  for (let t = T - 1; t >= 0; t--) {
    out[t] = s;
    s = back[t * S + s];
  }
  return out;
}

export interface BaumWelchOptions {
  /** Most EM iterations. @default 30 */
  iterations?: number;
  /** Stop when the log-likelihood per row gains less than this. @default 1e-7 */
  tolerance?: number;
  /** Free per-state means instead of slope * level + intercept. @default false */
  perStateMeans?: boolean;
  /** Keep the emission parameters fixed (learn only the chain). @default false */
  fixEmissions?: boolean;
  /** Lower bound of sigma. @default 1e-6 */
  minSigma?: number;
  /** Added to every expected transition count before normalising (keeps rare moves possible). @default 0 */
  transitionPseudoCount?: number;
  /** Per sequence: rows to treat as unobserved (same length as the sequence), or undefined. */
  missing?: (ArrayLike<number> | undefined)[];
  /** Called after every iteration. */
  onIteration?: (it: number, logLikelihood: number, p: GaussianHmmParams) => void;
}

export interface BaumWelchResult {
  params: GaussianHmmParams;
  /** Log-likelihood of the data before each M-step (non-decreasing up to rounding). */
  logLikelihoods: number[];
  iterations: number;
  converged: boolean;
}

/** Baum-Welch (EM) from `init` over one or more independent sequences. */
export function baumWelch(init: GaussianHmmParams, sequences: ArrayLike<number>[], opts: BaumWelchOptions = {}): BaumWelchResult {
  checkParams(init);
  const S = init.nStates;
  const iterations = opts.iterations ?? 30;
  const tol = opts.tolerance ?? 1e-7;
  const perState = opts.perStateMeans ?? false;
  const pseudo = opts.transitionPseudoCount ?? 0;
  const nRows = sequences.reduce((a, s) => a + s.length, 0);
  let p: GaussianHmmParams = { ...init, trans: Float64Array.from(init.trans), initial: Float64Array.from(init.initial), levels: Float64Array.from(init.levels), means: init.means && Float64Array.from(init.means) };
  if (perState && !p.means) p.means = stateMeans(p);
  const lls: number[] = [];
  let converged = false;
  let it = 0;
  for (; it < iterations; it++) {
    const xi = new Float64Array(S * S);
    const first = new Float64Array(S);
    const w = new Float64Array(S);
    const sx = new Float64Array(S);
    const sxx = new Float64Array(S);
    let ll = 0;
    sequences.forEach((x, k) => {
      const miss = opts.missing?.[k];
      const r = forwardBackward(p, x, { transitions: true, missing: miss });
      ll += r.logLikelihood;
      for (let i = 0; i < S * S; i++) xi[i] += r.transitions![i];
      for (let s = 0; s < S; s++) first[s] += r.posteriors[s];
      const g = r.posteriors;
      for (let t = 0; t < x.length; t++) {
        if (miss && miss[t]) continue;
        const v = x[t];
        const o = t * S;
        for (let s = 0; s < S; s++) {
          const q = g[o + s];
          w[s] += q;
          sx[s] += q * v;
          sxx[s] += q * v * v;
        }
      }
    });
    lls.push(ll);
    if (it > 0 && (ll - lls[it - 1]) / Math.max(1, nRows) < tol) {
      converged = true;
      break;
    }
    // M-step
    const trans = new Float64Array(S * S);
    for (let i = 0; i < S; i++) {
      let z = 0;
      for (let j = 0; j < S; j++) z += trans[i * S + j] = xi[i * S + j] + pseudo;
      if (z > 0) for (let j = 0; j < S; j++) trans[i * S + j] /= z;
      else for (let j = 0; j < S; j++) trans[i * S + j] = p.trans[i * S + j]; // a state never visited keeps its row
    }
    const fz = first.reduce((a, b) => a + b, 0);
    const initial = Float64Array.from(first, (v) => v / fz);
    const next: GaussianHmmParams = { ...p, trans, initial };
    if (!opts.fixEmissions) {
      const W = w.reduce((a, b) => a + b, 0);
      if (perState) {
        next.means = Float64Array.from(w, (ws, s) => (ws > 1e-12 ? sx[s] / ws : p.means![s]));
      } else {
        // weighted least squares of x on level with weights gamma
        let sl = 0;
        let sll = 0;
        let sxs = 0;
        let slx = 0;
        for (let s = 0; s < S; s++) {
          const l = p.levels[s];
          sl += w[s] * l;
          sll += w[s] * l * l;
          sxs += sx[s];
          slx += l * sx[s];
        }
        const det = W * sll - sl * sl;
        if (det > 1e-9 * W * W) {
          next.slope = (W * slx - sl * sxs) / det;
          next.intercept = (sxs - next.slope * sl) / W;
        } else {
          next.intercept = (sxs - p.slope * sl) / W; // one level occupied: only the offset is identifiable
        }
      }
      const mu = stateMeans(next);
      let ss = 0;
      for (let s = 0; s < S; s++) ss += sxx[s] - 2 * mu[s] * sx[s] + mu[s] * mu[s] * w[s];
      next.sigma = Math.max(opts.minSigma ?? 1e-6, Math.sqrt(Math.max(0, ss) / W));
    }
    p = next;
    opts.onIteration?.(it, ll, p);
  }
  return { params: p, logLikelihoods: lls, iterations: it, converged };
}

/** Simulate T rows of the model with `rand` (uniform [0, 1)): states and observations. */
export function simulateGaussianHmm(p: GaussianHmmParams, T: number, rand: () => number): { states: Int32Array; x: Float64Array } {
  checkParams(p);
  const S = p.nStates;
  const mu = stateMeans(p);
  const states = new Int32Array(T);
  const x = new Float64Array(T);
  const draw = (probs: ArrayLike<number>, off: number) => {
    let u = rand();
    for (let s = 0; s < S - 1; s++) {
      u -= probs[off + s];
      if (u < 0) return s;
    }
    return S - 1;
  };
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const u = Math.max(rand(), 1e-300);
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * rand();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
  for (let t = 0; t < T; t++) {
    const s = t === 0 ? draw(p.initial, 0) : draw(p.trans, states[t - 1] * S);
    states[t] = s;
    x[t] = mu[s] + p.sigma * normal();
  }
  return { states, x };
}
