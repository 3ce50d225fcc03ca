import type { FeatureMatrix, Labels, MaxFeatures } from './types';

/** Checks the matrix shape; messages name the parameter and expected/received values. */
export function checkMatrix(where: string, X: FeatureMatrix, expectCols?: number): void {
  if (!X || !(X.data instanceof Float32Array)) {
    throw new TypeError(`${where}: parameter X.data must be a Float32Array (received ${X && X.data ? Object.prototype.toString.call(X.data) : String(X)})`);
  }
  if (!Number.isInteger(X.rows) || X.rows < 1 || !Number.isInteger(X.cols) || X.cols < 1) {
    throw new RangeError(`${where}: parameter X must have integer rows >= 1 and cols >= 1 (received rows=${X.rows}, cols=${X.cols})`);
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new RangeError(`${where}: parameter X.data has length ${X.data.length}, expected rows*cols = ${X.rows}*${X.cols} = ${X.rows * X.cols}`);
  }
  if (expectCols !== undefined && X.cols !== expectCols) {
    throw new RangeError(`${where}: parameter X has ${X.cols} columns, expected ${expectCols} (the number of features the forest was trained on)`);
  }
}

/**
 * Validates labels against X and returns them as a compact typed array plus
 * the number of classes (given, or inferred as max + 1).
 */
export function checkLabels(
  where: string,
  X: FeatureMatrix,
  y: Labels,
  nClasses?: number,
): { labels: Uint8Array | Int32Array; nClasses: number } {
  if (!y || typeof (y as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`${where}: parameter y must be an array of class labels (received ${String(y)})`);
  }
  if (y.length !== X.rows) {
    throw new RangeError(`${where}: parameter y has length ${y.length}, expected ${X.rows} (X.rows)`);
  }
  if (nClasses !== undefined && (!Number.isInteger(nClasses) || nClasses < 1)) {
    throw new RangeError(`${where}: parameter nClasses must be an integer >= 1 (received ${nClasses})`);
  }
  let max = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || (nClasses !== undefined && v >= nClasses)) {
      const range = nClasses !== undefined ? `[0, ${nClasses - 1}]` : 'a non-negative integer';
      throw new RangeError(`${where}: parameter y[${i}] = ${v}; expected an integer class label in ${range}`);
    }
    if (v > max) max = v;
  }
  const K = nClasses ?? max + 1;
  const labels = K <= 256 ? new Uint8Array(y.length) : new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) labels[i] = y[i];
  return { labels, nClasses: K };
}

/** Resolves maxFeatures to a count in [1, cols]. */
export function resolveMaxFeatures(where: string, maxFeatures: MaxFeatures | undefined, cols: number): number {
  const mf = maxFeatures ?? 'sqrt';
  if (mf === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(cols)));
  if (mf === 'log2') return Math.max(1, Math.floor(Math.log2(cols)));
  if (mf === 'all') return cols;
  if (typeof mf === 'number' && mf > 0 && mf < 1) return Math.max(1, Math.floor(mf * cols));
  if (typeof mf === 'number' && Number.isInteger(mf) && mf >= 1 && mf <= cols) return mf;
  throw new RangeError(
    `${where}: parameter maxFeatures must be 'sqrt' | 'log2' | 'all', a fraction in (0, 1) or an integer in [1, ${cols}] (received ${String(mf)})`,
  );
}

/** Resolves maxSamples to a row count >= 1. */
export function resolveMaxSamples(where: string, maxSamples: number | null | undefined, rows: number, bootstrap: boolean): number {
  if (maxSamples === undefined || maxSamples === null) return rows;
  if (maxSamples > 0 && maxSamples <= 1) return Math.max(1, Math.round(maxSamples * rows));
  if (Number.isInteger(maxSamples) && maxSamples > 1 && (bootstrap || maxSamples <= rows)) return maxSamples;
  throw new RangeError(
    `${where}: parameter maxSamples must be a fraction in (0, 1] or an integer count in [2, ${bootstrap ? 'any' : rows}] (received ${maxSamples})`,
  );
}
