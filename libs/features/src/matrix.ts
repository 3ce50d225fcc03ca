/**
 * A dense row-major matrix: element (i, j) is `data[i * cols + j]`.
 * Row-major so that a batch of samples is one contiguous buffer, as tfjs tensors and
 * parquet/npy readers hand them over.
 */
export interface Matrix {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

/** Element type of a new matrix. */
export type MatrixDType = 'float32' | 'float64';

/** Throws unless `m` is a well-formed matrix (data length = rows * cols). */
export function checkMatrix(fn: string, name: string, m: Matrix): void {
  if (m === null || typeof m !== 'object' || !(m.data instanceof Float32Array || m.data instanceof Float64Array)) {
    throw new TypeError(`${fn}: ${name} must be a Matrix { data: Float32Array | Float64Array, rows, cols }`);
  }
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    throw new RangeError(`${fn}: ${name} must have non-negative integer rows and cols, received ${m.rows} x ${m.cols}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(
      `${fn}: ${name} has ${m.data.length} values, expected rows * cols = ${m.rows} * ${m.cols} = ${m.rows * m.cols}`,
    );
  }
}

/** A zero-filled `rows x cols` matrix. */
export function createMatrix(rows: number, cols: number, dtype: MatrixDType = 'float64'): Matrix {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`createMatrix: rows must be a non-negative integer, received ${rows}`);
  if (!Number.isInteger(cols) || cols < 0) throw new RangeError(`createMatrix: cols must be a non-negative integer, received ${cols}`);
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  return { data, rows, cols };
}

/** A float64 matrix from nested arrays (all rows must have the same length). */
export function matrixFromRows(rowsIn: ArrayLike<number>[]): Matrix {
  const rows = rowsIn.length;
  const cols = rows === 0 ? 0 : rowsIn[0].length;
  const out = createMatrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    const r = rowsIn[i];
    if (r.length !== cols) {
      throw new RangeError(`matrixFromRows: row ${i} has ${r.length} values, expected ${cols} (as row 0)`);
    }
    for (let j = 0; j < cols; j++) out.data[i * cols + j] = r[j];
  }
  return out;
}

/** Nested arrays, one per row (for JSON and for libraries that take number[][]). */
export function matrixToRows(m: Matrix): number[][] {
  const out: number[][] = new Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
  return out;
}

/** Column `j` as a new Float64Array. */
export function getColumn(m: Matrix, j: number): Float64Array {
  checkColumnIndex('getColumn', m, j);
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Writes `values` into column `j` in place. */
export function setColumn(m: Matrix, j: number, values: ArrayLike<number>): void {
  checkColumnIndex('setColumn', m, j);
  if (values.length !== m.rows) {
    throw new RangeError(`setColumn: values has ${values.length} entries, expected ${m.rows} (matrix rows)`);
  }
  for (let i = 0; i < m.rows; i++) m.data[i * m.cols + j] = values[i];
}

/** A new matrix holding columns `indices` in that order (same element type as `m`). */
export function selectColumns(m: Matrix, indices: ArrayLike<number>): Matrix {
  for (let k = 0; k < indices.length; k++) checkColumnIndex('selectColumns', m, indices[k]);
  const cols = indices.length;
  const out = createMatrix(m.rows, cols, m.data instanceof Float32Array ? 'float32' : 'float64');
  for (let i = 0; i < m.rows; i++) {
    const src = i * m.cols;
    const dst = i * cols;
    for (let k = 0; k < cols; k++) out.data[dst + k] = m.data[src + indices[k]];
  }
  return out;
}

/**
 * Side-by-side concatenation. The result is float32 only when every input is, so that
 * float64 inputs never lose precision silently.
 */
export function hstack(ms: Matrix[]): Matrix {
  if (ms.length === 0) throw new RangeError('hstack: expected at least one matrix, received 0');
  const rows = ms[0].rows;
  ms.forEach((m, k) => {
    checkMatrix('hstack', `matrices[${k}]`, m);
    if (m.rows !== rows) throw new RangeError(`hstack: matrices[${k}] has ${m.rows} rows, expected ${rows} (as matrices[0])`);
  });
  const cols = ms.reduce((s, m) => s + m.cols, 0);
  const allF32 = ms.every((m) => m.data instanceof Float32Array);
  const out = createMatrix(rows, cols, allF32 ? 'float32' : 'float64');
  for (let i = 0; i < rows; i++) {
    let off = i * cols;
    for (const m of ms) {
      out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), off);
      off += m.cols;
    }
  }
  return out;
}

function checkColumnIndex(fn: string, m: Matrix, j: number): void {
  if (!Number.isInteger(j) || j < 0 || j >= m.cols) {
    throw new RangeError(`${fn}: column index must be an integer in [0, ${m.cols - 1}], received ${j}`);
  }
}
