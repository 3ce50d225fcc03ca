/**
 * Growing one classification tree on histogram-binned features.
 *
 * - Rows of the tree live in one Int32Array of indices (O(rows) memory per
 *   tree, never O(rows x features)); a node is a contiguous range of it, kept
 *   in ascending row order by a stable partition (monotone memory access).
 * - Large nodes ("hist mode"): per-feature class-count histograms
 *   (bins x classes, bootstrap-weighted) built in one pass over the node's
 *   rows; split search is a linear scan over bins. The histogram subtraction
 *   trick gives the larger child's histograms as parent - smaller child.
 * - Small nodes ("sort mode", fewer than `sortThreshold` bootstrap-weighted samples): histograms
 *   would cost bins x classes per feature regardless of the node size, so the
 *   node's (bin, row) keys are sorted and scanned instead.
 * - Each node samples `mtry` features without replacement; like sklearn, if
 *   none of them gives a valid split of an impure node, more are drawn.
 * - Gini: maximising sum_c L_c^2 / nL + sum_c R_c^2 / nR is equivalent to
 *   minimising the weighted child impurity; both sums are updated in O(1) per
 *   (class, weight) increment.
 */
import { Rng, SFC32_MIXSEED } from '@repro/cv';

export interface BinnedData {
  /** Row-major bin codes, rows x cols. */
  bins: Uint8Array;
  rows: number;
  cols: number;
  /** Class label per row, 0..nClasses-1. */
  y: Uint8Array | Int32Array;
  /** Bins per feature. */
  nBins: Int32Array;
}

export interface TreeConfig {
  nClasses: number;
  maxDepth: number;
  mtry: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  bootstrap: boolean;
  /** Rows drawn for the tree (with replacement when bootstrap). */
  nSamples: number;
  /** Nodes with fewer (bootstrap-weighted) samples use the sort-based split search. */
  sortThreshold: number;
}

/** One fitted tree; child indices are local to the tree. */
export interface TreeArrays {
  /** Split feature per node, -1 for leaves. */
  feature: Int32Array;
  /** Split bin per node: rows with bin <= thresholdBin go left. */
  thresholdBin: Uint8Array;
  /** Left child; for a leaf: the leaf index into `values`. */
  left: Int32Array;
  right: Int32Array;
  /** Class distribution per leaf, nLeaves x nClasses. */
  values: Float32Array;
}

interface HistBuf {
  h: Int32Array;
  avail: Uint8Array;
}

interface Task {
  node: number;
  lo: number;
  hi: number;
  depth: number;
  counts: Float64Array;
  total: number;
  feats: Int32Array;
  buf: HistBuf | null;
}

class GrowableI32 {
  a: Int32Array;
  n = 0;
  constructor(cap: number) {
    this.a = new Int32Array(cap);
  }
  ensure(size: number): void {
    if (size > this.a.length) {
      const b = new Int32Array(Math.max(size, this.a.length * 2));
      b.set(this.a);
      this.a = b;
    }
  }
}

/** Draws the rows of a tree: per-row weights (bootstrap counts) and the ascending index list. */
export function sampleRows(n: number, cfg: TreeConfig, rng: Rng): { w: Uint16Array; idx: Int32Array } {
  const w = new Uint16Array(n);
  let count = 0;
  if (cfg.bootstrap) {
    for (let s = 0; s < cfg.nSamples; s++) {
      const r = rng.int(n);
      if (w[r] === 0) count++;
      if (w[r] < 65535) w[r]++;
    }
  } else if (cfg.nSamples >= n) {
    w.fill(1);
    count = n;
  } else {
    // Selection sampling (Knuth's Algorithm S): exactly nSamples distinct rows.
    let needed = cfg.nSamples;
    for (let r = 0; r < n && needed > 0; r++) {
      if (rng.next() * (n - r) < needed) {
        w[r] = 1;
        needed--;
        count++;
      }
    }
  }
  const idx = new Int32Array(count);
  for (let r = 0, k = 0; r < n; r++) if (w[r] !== 0) idx[k++] = r;
  return { w, idx };
}

export function growTree(data: BinnedData, cfg: TreeConfig, seed: number): TreeArrays {
  const { bins, rows: n, cols, y, nBins } = data;
  const K = cfg.nClasses;
  if (!(cfg.mtry >= 1 && cfg.mtry <= cols) || nBins.length !== cols || bins.length !== n * cols || y.length !== n) {
    throw new RangeError(
      `growTree: inconsistent inputs (mtry=${cfg.mtry}, cols=${cols}, nBins.length=${nBins.length}, bins.length=${bins.length}, rows=${n}, y.length=${y.length})`,
    );
  }
  const maxDepth = cfg.maxDepth;
  const minLeaf = cfg.minSamplesLeaf;
  const minSplit = Math.max(cfg.minSamplesSplit, 2 * minLeaf);
  const mtry = cfg.mtry;
  const sortThreshold = Math.min(cfg.sortThreshold, 1 << 20);
  const rng = new Rng(SFC32_MIXSEED, seed);

  const { w, idx } = sampleRows(n, cfg, rng);
  const scratch = new Int32Array(idx.length);

  // Histogram layout: feature f occupies [featOff[f], featOff[f] + nBins[f] * K).
  const featOff = new Int32Array(cols + 1);
  for (let f = 0; f < cols; f++) featOff[f + 1] = featOff[f] + nBins[f] * K;
  const histSize = featOff[cols];
  const pool: HistBuf[] = [];
  const acquire = (): HistBuf => {
    const b = pool.pop();
    if (b) {
      b.avail.fill(0);
      return b;
    }
    return { h: new Int32Array(histSize), avail: new Uint8Array(cols) };
  };
  const release = (b: HistBuf | null) => {
    if (b) pool.push(b);
  };

  // Node storage.
  const feature = new GrowableI32(1024);
  const tbin = new GrowableI32(1024);
  const left = new GrowableI32(1024);
  const right = new GrowableI32(1024);
  let values = new Float32Array(1024 * K);
  let nLeaves = 0;
  const allocNode = (): number => {
    const id = feature.n;
    feature.ensure(id + 1);
    tbin.ensure(id + 1);
    left.ensure(id + 1);
    right.ensure(id + 1);
    feature.n = tbin.n = left.n = right.n = id + 1;
    return id;
  };
  const makeLeaf = (node: number, counts: Float64Array, total: number) => {
    feature.a[node] = -1;
    left.a[node] = nLeaves;
    right.a[node] = -1;
    if ((nLeaves + 1) * K > values.length) {
      const v = new Float32Array(values.length * 2);
      v.set(values);
      values = v;
    }
    const o = nLeaves * K;
    for (let c = 0; c < K; c++) values[o + c] = counts[c] / total;
    nLeaves++;
  };
  const isPure = (counts: Float64Array, total: number) => {
    for (let c = 0; c < K; c++) if (counts[c] === total) return true;
    return total === 0;
  };

  // Feature sampling: partial Fisher-Yates over a persistent permutation.
  const perm = new Int32Array(cols);
  for (let f = 0; f < cols; f++) perm[f] = f;
  const sampleFeatures = (): Int32Array => {
    const out = new Int32Array(mtry);
    for (let i = 0; i < mtry; i++) {
      const j = i + rng.int(cols - i);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      out[i] = perm[i];
    }
    return out;
  };

  // --- histogram construction -------------------------------------------
  const fOff = new Int32Array(cols);
  const fIdx = new Int32Array(cols);
  /** Direct histograms of the given features over idx[lo, hi). */
  const fillHist = (buf: HistBuf, feats: ArrayLike<number>, nf: number, lo: number, hi: number) => {
    const h = buf.h;
    for (let k = 0; k < nf; k++) {
      const f = feats[k];
      fIdx[k] = f;
      fOff[k] = featOff[f];
      h.fill(0, featOff[f], featOff[f + 1]);
      buf.avail[f] = 1;
    }
    if (nf === 0) return;
    if (nf === 1) {
      const f = fIdx[0];
      const o = fOff[0];
      for (let i = lo; i < hi; i++) {
        const r = idx[i];
        h[o + bins[r * cols + f] * K + y[r]] += w[r];
      }
      return;
    }
    for (let i = lo; i < hi; i++) {
      const r = idx[i];
      const base = r * cols;
      const c = y[r];
      const wt = w[r];
      for (let k = 0; k < nf; k++) h[fOff[k] + bins[base + fIdx[k]] * K + c] += wt;
    }
  };

  // --- split search ----------------------------------------------------
  const lc = new Float64Array(K);
  const bestLc = new Float64Array(K);
  let bestScore = -Infinity;
  let bestFeat = -1;
  let bestBin = -1;

  const scanHist = (h: Int32Array, f: number, counts: Float64Array, total: number) => {
    const base = featOff[f];
    const nb = nBins[f];
    lc.fill(0);
    let sqL = 0;
    let sqR = 0;
    for (let c = 0; c < K; c++) sqR += counts[c] * counts[c];
    let nL = 0;
    for (let b = 0; b < nb - 1; b++) {
      const o = base + b * K;
      let changed = false;
      for (let c = 0; c < K; c++) {
        const hv = h[o + c];
        if (hv !== 0) {
          const l = lc[c];
          sqL += hv * (2 * l + hv);
          sqR += hv * (hv - 2 * (counts[c] - l));
          lc[c] = l + hv;
          nL += hv;
          changed = true;
        }
      }
      if (!changed || nL < minLeaf) continue;
      const nR = total - nL;
      if (nR < minLeaf) break;
      const score = sqL / nL + sqR / nR;
      if (score > bestScore) {
        bestScore = score;
        bestFeat = f;
        bestBin = b;
        bestLc.set(lc);
      }
    }
  };

  let keys = new Int32Array(Math.max(16, Math.min(sortThreshold, idx.length)));
  const scanSort = (f: number, lo: number, hi: number, counts: Float64Array, total: number) => {
    const m = hi - lo;
    if (m > keys.length) keys = new Int32Array(m);
    for (let j = 0; j < m; j++) keys[j] = (bins[idx[lo + j] * cols + f] << 20) | j;
    const ks = keys.subarray(0, m).sort();
    lc.fill(0);
    let sqL = 0;
    let sqR = 0;
    for (let c = 0; c < K; c++) sqR += counts[c] * counts[c];
    let nL = 0;
    for (let j = 0; j < m - 1; j++) {
      const key = ks[j];
      const r = idx[lo + (key & 0xfffff)];
      const c = y[r];
      const wt = w[r];
      const l = lc[c];
      sqL += wt * (2 * l + wt);
      sqR += wt * (wt - 2 * (counts[c] - l));
      lc[c] = l + wt;
      nL += wt;
      const b = key >>> 20;
      if (ks[j + 1] >>> 20 === b || nL < minLeaf) continue;
      const nR = total - nL;
      if (nR < minLeaf) break;
      const score = sqL / nL + sqR / nR;
      if (score > bestScore) {
        bestScore = score;
        bestFeat = f;
        bestBin = b;
        bestLc.set(lc);
      }
    }
  };

  /** Finds the best split of a task; draws extra features if none is valid. */
  const findSplit = (t: Task): boolean => {
    bestScore = -Infinity;
    bestFeat = -1;
    bestBin = -1;
    const buf = t.buf;
    const scanOne = (f: number) => {
      if (buf) scanHist(buf.h, f, t.counts, t.total);
      else scanSort(f, t.lo, t.hi, t.counts, t.total);
    };
    if (buf) {
      // Compute the missing histograms in one pass over the rows.
      let nm = 0;
      const missing = new Int32Array(t.feats.length);
      for (const f of t.feats) if (!buf.avail[f]) missing[nm++] = f;
      fillHist(buf, missing, nm, t.lo, t.hi);
    }
    for (const f of t.feats) scanOne(f);
    if (bestFeat >= 0 || t.feats.length === cols) return bestFeat >= 0;
    // No valid split among the sampled features: keep drawing (sklearn semantics).
    const rest: number[] = [];
    const inF = new Uint8Array(cols);
    for (const f of t.feats) inF[f] = 1;
    for (let f = 0; f < cols; f++) if (!inF[f]) rest.push(f);
    for (let i = 0; i < rest.length && bestFeat < 0; i++) {
      const j = i + rng.int(rest.length - i);
      const f = rest[j];
      rest[j] = rest[i];
      rest[i] = f;
      if (buf && !buf.avail[f]) fillHist(buf, [f], 1, t.lo, t.hi);
      scanOne(f);
    }
    return bestFeat >= 0;
  };

  // --- main loop -------------------------------------------------------
  const stack: Task[] = [];
  const newTask = (node: number, depth: number, counts: Float64Array, total: number): Task | null => {
    if (depth >= maxDepth || total < minSplit || isPure(counts, total)) {
      makeLeaf(node, counts, total);
      return null;
    }
    return { node, lo: 0, hi: 0, depth, counts, total, feats: sampleFeatures(), buf: null };
  };

  /**
   * Stable partition of idx[lo, hi) by `bins[f] <= b`, fused with direct
   * histogram accumulation: rows going left add to bufL for featsL, rows going
   * right add to bufR for featsR (regions zeroed first). One pass, one touch of
   * each row's bins. Returns the split position.
   */
  const offL = new Int32Array(cols);
  const idxL = new Int32Array(cols);
  const offR = new Int32Array(cols);
  const idxR = new Int32Array(cols);
  const partitionFill = (
    lo: number, hi: number, f: number, b: number,
    bufL: HistBuf | null, featsL: number[], bufR: HistBuf | null, featsR: number[],
  ): number => {
    const nL = bufL ? featsL.length : 0;
    const nR = bufR ? featsR.length : 0;
    for (let k = 0; k < nL; k++) {
      const g = featsL[k];
      idxL[k] = g;
      offL[k] = featOff[g];
      bufL!.h.fill(0, featOff[g], featOff[g + 1]);
    }
    for (let k = 0; k < nR; k++) {
      const g = featsR[k];
      idxR[k] = g;
      offR[k] = featOff[g];
      bufR!.h.fill(0, featOff[g], featOff[g + 1]);
    }
    const hL = bufL ? bufL.h : null;
    const hR = bufR ? bufR.h : null;
    let nl = lo;
    let ns = 0;
    if (nL === 0 && nR === 0) {
      for (let i = lo; i < hi; i++) {
        const r = idx[i];
        if (bins[r * cols + f] <= b) idx[nl++] = r;
        else scratch[ns++] = r;
      }
    } else {
      for (let i = lo; i < hi; i++) {
        const r = idx[i];
        const base = r * cols;
        if (bins[base + f] <= b) {
          idx[nl++] = r;
          if (nL !== 0) {
            const c = y[r];
            const wt = w[r];
            for (let k = 0; k < nL; k++) hL![offL[k] + bins[base + idxL[k]] * K + c] += wt;
          }
        } else {
          scratch[ns++] = r;
          if (nR !== 0) {
            const c = y[r];
            const wt = w[r];
            for (let k = 0; k < nR; k++) hR![offR[k] + bins[base + idxR[k]] * K + c] += wt;
          }
        }
      }
    }
    idx.set(scratch.subarray(0, ns), nl);
    return nl;
  };
  const subtract = (H: HistBuf, D: HistBuf, feats: number[]) => {
    const h = H.h;
    const d = D.h;
    for (const g of feats) for (let i = featOff[g], e = featOff[g + 1]; i < e; i++) h[i] -= d[i];
  };

  {
    const counts = new Float64Array(K);
    let total = 0;
    for (let i = 0; i < idx.length; i++) {
      const r = idx[i];
      counts[y[r]] += w[r];
      total += w[r];
    }
    const root = newTask(allocNode(), 0, counts, total);
    if (root) {
      root.lo = 0;
      root.hi = idx.length;
      if (total >= sortThreshold) root.buf = acquire();
      stack.push(root);
    }
  }

  while (stack.length > 0) {
    const t = stack.pop()!;
    if (!findSplit(t)) {
      makeLeaf(t.node, t.counts, t.total);
      release(t.buf);
      continue;
    }
    const f = bestFeat;
    const b = bestBin;
    feature.a[t.node] = f;
    tbin.a[t.node] = b;
    const lcounts = Float64Array.from(bestLc);
    let ltotal = 0;
    for (let c = 0; c < K; c++) ltotal += lcounts[c];
    const rcounts = new Float64Array(K);
    for (let c = 0; c < K; c++) rcounts[c] = t.counts[c] - lcounts[c];
    const rtotal = t.total - ltotal;

    const lid = allocNode();
    const rid = allocNode();
    left.a[t.node] = lid;
    right.a[t.node] = rid;
    const lt = newTask(lid, t.depth + 1, lcounts, ltotal);
    const rt = newTask(rid, t.depth + 1, rcounts, rtotal);

    // Children with >= sortThreshold (weighted) samples use histograms.
    const H = t.buf;
    const lHist = H !== null && lt !== null && ltotal >= sortThreshold;
    const rHist = H !== null && rt !== null && rtotal >= sortThreshold;
    let bufL: HistBuf | null = null;
    let bufR: HistBuf | null = null;
    let featsL: number[] = [];
    let featsR: number[] = [];
    let after: (() => void) | null = null;
    if (H && (lHist || rHist)) {
      if (lHist && rHist) {
        // Smaller child S: direct histograms of its features plus the larger
        // child's features available in the parent; larger child L = parent - S
        // for those, direct (into the parent's buffer) for the rest.
        const lSmall = ltotal <= rtotal;
        const S = lSmall ? lt! : rt!;
        const L = lSmall ? rt! : lt!;
        const HS = acquire();
        const mark = new Uint8Array(cols);
        for (const g of S.feats) mark[g] = 1;
        for (const g of L.feats) if (H.avail[g]) mark[g] = 1;
        const needS: number[] = [];
        for (let g = 0; g < cols; g++) if (mark[g]) needS.push(g);
        const sub: number[] = [];
        for (let g = 0; g < cols; g++) if (H.avail[g] && mark[g]) sub.push(g);
        const directL: number[] = [];
        for (const g of L.feats) if (!H.avail[g]) directL.push(g);
        if (lSmall) {
          bufL = HS; featsL = needS; bufR = H; featsR = directL;
        } else {
          bufR = HS; featsR = needS; bufL = H; featsL = directL;
        }
        after = () => {
          subtract(H, HS, sub);
          H.avail.fill(0);
          for (const g of needS) HS.avail[g] = 1;
          for (const g of sub) H.avail[g] = 1;
          for (const g of directL) H.avail[g] = 1;
          L.buf = H;
          S.buf = HS;
        };
      } else {
        // One histogram child C; its sibling O is a leaf or sort-mode node.
        const cLeft = lHist;
        const C = cLeft ? lt! : rt!;
        const cTotal = cLeft ? ltotal : rtotal;
        const oTotal = cLeft ? rtotal : ltotal;
        const common: number[] = [];
        const directC: number[] = [];
        for (const g of C.feats) (H.avail[g] ? common : directC).push(g);
        if (common.length > 0 && oTotal < cTotal) {
          const T = acquire();
          if (cLeft) {
            bufL = H; featsL = directC; bufR = T; featsR = common;
          } else {
            bufR = H; featsR = directC; bufL = T; featsL = common;
          }
          after = () => {
            subtract(H, T, common);
            release(T);
            H.avail.fill(0);
            for (const g of C.feats) H.avail[g] = 1;
            C.buf = H;
          };
        } else {
          const all = Array.from(C.feats);
          if (cLeft) {
            bufL = H; featsL = all;
          } else {
            bufR = H; featsR = all;
          }
          after = () => {
            H.avail.fill(0);
            for (const g of all) H.avail[g] = 1;
            C.buf = H;
          };
        }
      }
    } else release(H);

    const mid = partitionFill(t.lo, t.hi, f, b, bufL, featsL, bufR, featsR);
    if (after) after();
    if (lt) {
      lt.lo = t.lo;
      lt.hi = mid;
    }
    if (rt) {
      rt.lo = mid;
      rt.hi = t.hi;
    }
    // Smaller child first (LIFO) keeps the number of live histogram buffers small.
    if (lt && rt && ltotal <= rtotal) {
      stack.push(rt);
      stack.push(lt);
    } else {
      if (lt) stack.push(lt);
      if (rt) stack.push(rt);
    }
  }

  const nNodes = feature.n;
  const tb = new Uint8Array(nNodes);
  for (let i = 0; i < nNodes; i++) tb[i] = tbin.a[i];
  return {
    feature: feature.a.slice(0, nNodes),
    thresholdBin: tb,
    left: left.a.slice(0, nNodes),
    right: right.a.slice(0, nNodes),
    values: values.slice(0, nLeaves * K),
  };
}
