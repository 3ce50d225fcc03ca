/**
 * Blend weights chosen on out-of-fold predictions: non-negative, summing to 1,
 * minimising any score (log loss, KL divergence, -F1, ...). The score is a
 * black box, so this is a derivative-free coordinate search on the simplex:
 * for each member, a golden-section line search along the segment from the
 * current weights towards that member's vertex (and away from it), which keeps
 * every iterate feasible. Deterministic. It starts from the better of the equal
 * blend and the best single member, and only accepts improvements, so the blend
 * is never worse than the best member.
 */
export interface BlendWeightsOptions {
  /** Full sweeps over the members. @default 20 */
  sweeps?: number;
  /** Golden-section steps per line search. @default 30 */
  lineSteps?: number;
  /** Stop when a sweep improves the score by less than this. @default 1e-9 */
  tolerance?: number;
}

export interface BlendResult {
  weights: Float64Array;
  score: number;
  /** Each member's own score, for the report. */
  memberScores: Float64Array;
}

/** Weighted sum of equally long prediction arrays. */
export function blendPredictions(predictions: ArrayLike<number>[], weights: ArrayLike<number>): Float32Array {
  if (predictions.length !== weights.length) {
    throw new RangeError(`blendPredictions: ${predictions.length} prediction arrays but ${weights.length} weights`);
  }
  const n = predictions[0]?.length ?? 0;
  const out = new Float32Array(n);
  predictions.forEach((p, k) => {
    if (p.length !== n) throw new RangeError(`blendPredictions: member ${k} has ${p.length} values, member 0 has ${n}`);
    const w = weights[k];
    if (w !== 0) for (let i = 0; i < n; i++) out[i] += w * p[i];
  });
  return out;
}

/** Minimise `score(blend)` over non-negative weights summing to 1. */
export function optimizeBlendWeights(
  predictions: ArrayLike<number>[],
  score: (blended: Float32Array) => number,
  options: BlendWeightsOptions = {},
): BlendResult {
  const K = predictions.length;
  if (K === 0) throw new RangeError('optimizeBlendWeights: expected at least one prediction array, received none');
  const sweeps = options.sweeps ?? 20;
  const lineSteps = options.lineSteps ?? 30;
  const tol = options.tolerance ?? 1e-9;
  const evalW = (w: ArrayLike<number>) => score(blendPredictions(predictions, w));

  const memberScores = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const e = new Float64Array(K);
    e[k] = 1;
    memberScores[k] = evalW(e);
  }
  let w = new Float64Array(K).fill(1 / K);
  let best = evalW(w);
  const bestMember = memberScores.indexOf(Math.min(...memberScores));
  if (memberScores[bestMember] < best) {
    w = new Float64Array(K);
    w[bestMember] = 1;
    best = memberScores[bestMember];
  }
  if (K === 1) return { weights: w, score: best, memberScores };

  const phi = (Math.sqrt(5) - 1) / 2;
  for (let s = 0; s < sweeps; s++) {
    const before = best;
    for (let k = 0; k < K; k++) {
      // w(t) = (1 - t) w + t e_k, feasible for t in [-w_k / (1 - w_k), 1].
      const lo0 = w[k] >= 1 ? 0 : -w[k] / (1 - w[k]);
      const at = (t: number) => {
        const v = new Float64Array(K);
        for (let j = 0; j < K; j++) v[j] = (1 - t) * w[j] + (j === k ? t : 0);
        for (let j = 0; j < K; j++) if (v[j] < 0) v[j] = 0; // rounding at the boundary
        return v;
      };
      let [a, b] = [lo0, 1];
      let c = b - phi * (b - a);
      let d = a + phi * (b - a);
      let fc = evalW(at(c));
      let fd = evalW(at(d));
      for (let i = 0; i < lineSteps; i++) {
        if (fc < fd) {
          [b, d, fd] = [d, c, fc];
          c = b - phi * (b - a);
          fc = evalW(at(c));
        } else {
          [a, c, fc] = [c, d, fd];
          d = a + phi * (b - a);
          fd = evalW(at(d));
        }
      }
      const [t, ft] = fc < fd ? [c, fc] : [d, fd];
      if (ft < best) {
        w = at(t);
        const sum = w.reduce((x, y) => x + y, 0);
        for (let j = 0; j < K; j++) w[j] /= sum;
        best = evalW(w);
      }
    }
    if (before - best < tol) break;
  }
  return { weights: w, score: best, memberScores };
}
