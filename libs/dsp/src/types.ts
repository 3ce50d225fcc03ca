/**
 * Shared types. Convention for the whole library: 1-D functions accept any
 * `ArrayLike<number>` and always return a new `Float64Array` (references are
 * float64 numpy/scipy, so parity needs double precision throughout).
 * Multi-channel containers keep their own storage type (Float32 stays Float32)
 * because EEG recordings are large and Float32 in the Kaggle parquet files.
 */

/** Multi-channel signal, row-major (time x channel): sample t of channel c is `data[t * nChannels + c]`. */
export interface MultiChannel {
  data: Float32Array | Float64Array;
  nChannels: number;
}

/** A complex vector as separate real and imaginary parts. */
export interface ComplexArray {
  re: Float64Array;
  im: Float64Array;
}

/** Second-order sections, one row `[b0, b1, b2, a0, a1, a2]` per section (scipy's sos layout). */
export type Sos = ArrayLike<ArrayLike<number>>;
