/** Typed arrays {@link reduceMemUsage} can return. */
export type ReducedColumn = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** Per-column outcome of {@link reduceMemUsage}. */
export interface ReduceMemUsageColumnReport {
  from: string;
  to: string;
  beforeBytes: number;
  afterBytes: number;
}

/** What {@link reduceMemUsage} returns. */
export interface ReduceMemUsageResult {
  columns: Record<string, ReducedColumn>;
  report: {
    beforeBytes: number;
    afterBytes: number;
    perColumn: Record<string, ReduceMemUsageColumnReport>;
  };
}

const FLOAT32_MAX = 3.4028234663852886e38;
/** Below this, float32 is subnormal and loses relative precision. */
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Seed 000's `reduce_mem_usage` for column maps: each column goes to the smallest type
 * that keeps it. Integer-valued columns (no NaN) go to Uint8 / Int8 / Int16 / Int32
 * exactly; other columns go to Float32 when every finite value is within float32's range
 * (relative rounding <= 2^-24, as pandas' float32 cast), else stay Float64.
 * Differences from the seed: no float16 (JS has no Float16Array in Node 20) and no int64;
 * Uint8 is tried before Int8 so 0..255 labels fit in one byte. `number[]` input counts as
 * 8 bytes per value.
 */
export function reduceMemUsage(columns: Record<string, Float64Array | Float32Array | number[]>): ReduceMemUsageResult {
  const out: Record<string, ReducedColumn> = {};
  const perColumn: Record<string, ReduceMemUsageColumnReport> = {};
  let beforeBytes = 0;
  let afterBytes = 0;
  for (const [name, col] of Object.entries(columns)) {
    if (!(Array.isArray(col) || col instanceof Float64Array || col instanceof Float32Array)) {
      throw new TypeError(`reduceMemUsage: column ${JSON.stringify(name)} must be a Float64Array, Float32Array or number[]`);
    }
    const before = Array.isArray(col) ? col.length * 8 : col.byteLength;
    const reduced = reduceColumn(col);
    out[name] = reduced;
    perColumn[name] = {
      from: Array.isArray(col) ? 'Array' : col.constructor.name,
      to: reduced.constructor.name,
      beforeBytes: before,
      afterBytes: reduced.byteLength,
    };
    beforeBytes += before;
    afterBytes += reduced.byteLength;
  }
  return { columns: out, report: { beforeBytes, afterBytes, perColumn } };
}

function reduceColumn(col: ArrayLike<number>): ReducedColumn {
  const n = col.length;
  let isInt = true;
  let fitsF32 = true;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (!Number.isInteger(v)) isInt = false;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      const a = Math.abs(v);
      if (a > FLOAT32_MAX || (a !== 0 && a < FLOAT32_MIN_NORMAL)) fitsF32 = false;
    }
  }
  if (isInt && n > 0) {
    if (lo >= 0 && hi <= 255) return Uint8Array.from(col);
    if (lo >= -128 && hi <= 127) return Int8Array.from(col);
    if (lo >= -32768 && hi <= 32767) return Int16Array.from(col);
    if (lo >= -2147483648 && hi <= 2147483647) return Int32Array.from(col);
  }
  if (col instanceof Float32Array) return col.slice();
  if (fitsF32) return Float32Array.from(col);
  return Float64Array.from(col);
}
