/**
 * Where training batches come from. trainModel takes a source (not tensors) so
 * that batches can be built lazily, reshuffled per epoch from a seed, and, in a
 * later data-parallel mode, split across workers that each own a backend.
 *
 * Ownership: every tensor a source hands out belongs to the consumer, which
 * disposes it after use. A source never keeps the tensors it returns.
 */
import { tf } from '../backend';
import { checkInt, fail } from './check';
import { SeededRng, hashSeed, permutation } from './rng';

export interface Batch {
  /** Model input(s): one tensor, or one per model input in model.inputs order. */
  x: tf.Tensor | tf.Tensor[];
  /** Targets; `y.shape[0]` is the batch size used to weight per-batch losses. */
  y: tf.Tensor;
}

/** Random access by batch index: what data-parallel workers need (each takes a share of the indices). */
export interface IndexedBatchSource {
  numBatches(epoch?: number): number;
  /** Batch `i` (0-based) of `epoch` (0-based); the same (i, epoch) must give the same batch. */
  batch(i: number, epoch: number): Batch | Promise<Batch>;
}

/** Sequential batches for data that is built on the fly (an (async) iterator per epoch). */
export interface IterableBatchSource {
  /** Batches per epoch, when known (for the progress bar). */
  numBatches?(epoch?: number): number;
  batches(epoch: number): Iterable<Batch> | AsyncIterable<Batch>;
}

export type BatchSource = IndexedBatchSource | IterableBatchSource;

export function isIndexedSource(s: BatchSource): s is IndexedBatchSource {
  return typeof (s as IndexedBatchSource).batch === 'function';
}

/** Batches of one epoch, in order, whatever the kind of source. */
export async function* iterateBatches(source: BatchSource, epoch: number): AsyncGenerator<Batch> {
  if (isIndexedSource(source)) {
    const n = source.numBatches(epoch);
    for (let i = 0; i < n; i++) yield await source.batch(i, epoch);
    return;
  }
  if (typeof (source as IterableBatchSource).batches !== 'function') {
    fail('iterateBatches', 'source', 'an object with batch(i, epoch) and numBatches(), or batches(epoch)', source);
  }
  yield* source.batches(epoch) as AsyncIterable<Batch>;
}

/** Batches per epoch, or undefined when the source cannot tell. */
export function batchCount(source: BatchSource, epoch: number): number | undefined {
  return typeof source.numBatches === 'function' ? source.numBatches(epoch) : undefined;
}

export function disposeBatch(b: Batch): void {
  tf.dispose([...(Array.isArray(b.x) ? b.x : [b.x]), b.y]);
}

export interface ArrayBatchSourceOptions {
  /** Row-major inputs: one array, or one per model input. Row `r` is `x.subarray(r * rowSize, (r + 1) * rowSize)`. */
  x: Float32Array | Float32Array[];
  /** Shape of `x` with the row count first (`[n, ...]`); one shape per input when `x` is a list. */
  xShape: number[] | number[][];
  /** Row-major targets. */
  y: Float32Array | Int32Array;
  /** Shape of `y`, rows first. */
  yShape: number[];
  /** Rows per batch (the last batch may be smaller unless `dropRemainder`). */
  batchSize: number;
  /**
   * Reshuffle the rows every epoch; the order of epoch `e` depends only on (seed, e), so a
   * resumed run sees the same batches as an uninterrupted one.
   * @default false
   */
  shuffle?: boolean;
  /** @default 0 */
  seed?: number;
  /**
   * Drop the last incomplete batch.
   * @default false
   */
  dropRemainder?: boolean;
}

/** An indexed source whose batches are ready at once (no promise). */
export interface SyncBatchSource extends IndexedBatchSource {
  numBatches(): number;
  batch(i: number, epoch: number): Batch;
}

/** Batches from in-memory arrays, optionally reshuffled per epoch from a seed. */
export function arrayBatchSource(options: ArrayBatchSourceOptions): SyncBatchSource {
  const where = 'arrayBatchSource';
  const xs = Array.isArray(options.x) ? options.x : [options.x];
  const multi = Array.isArray(options.x);
  const shapes = (multi ? options.xShape : [options.xShape]) as number[][];
  if (!Array.isArray(shapes) || shapes.length !== xs.length || !shapes.every((s) => Array.isArray(s) && s.length >= 1)) {
    fail(where, 'xShape', multi ? `${xs.length} shapes (one per input)` : 'a shape [rows, ...]', options.xShape);
  }
  const rows = options.yShape[0];
  checkInt(where, 'yShape[0] (rows)', rows, 1);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (size(options.yShape) !== options.y.length) fail(where, 'y.length', `${size(options.yShape)} (yShape ${JSON.stringify(options.yShape)})`, options.y.length);
  xs.forEach((x, k) => {
    const s = shapes[k];
    if (s[0] !== rows) fail(where, `xShape${multi ? `[${k}]` : ''}[0]`, `${rows} rows (as y)`, s[0]);
    if (size(s) !== x.length) fail(where, `x${multi ? `[${k}]` : ''}.length`, `${size(s)} (xShape ${JSON.stringify(s)})`, x.length);
  });
  const batchSize = checkInt(where, 'batchSize', options.batchSize, 1);
  const shuffle = options.shuffle ?? false;
  const seed = options.seed ?? 0;
  const n = options.dropRemainder ? Math.floor(rows / batchSize) : Math.ceil(rows / batchSize);
  if (n === 0) fail(where, 'batchSize', `<= ${rows} rows when dropRemainder is set`, batchSize);

  let cached: { epoch: number; order: Int32Array } | undefined;
  const orderOf = (epoch: number): Int32Array | undefined => {
    if (!shuffle) return undefined;
    if (cached?.epoch !== epoch) cached = { epoch, order: permutation(rows, new SeededRng(hashSeed(seed, epoch))) };
    return cached.order;
  };
  // Copy rows [start, end) of the epoch's order into a fresh array.
  const gather = <T extends Float32Array | Int32Array>(src: T, rowSize: number, start: number, end: number, order?: Int32Array): T => {
    if (!order) return src.slice(start * rowSize, end * rowSize) as T;
    const out = new (src.constructor as { new (n: number): T })((end - start) * rowSize);
    for (let r = start; r < end; r++) {
      const from = order[r] * rowSize;
      out.set(src.subarray(from, from + rowSize), (r - start) * rowSize);
    }
    return out;
  };
  return {
    numBatches: () => n,
    batch(i: number, epoch: number): Batch {
      if (!Number.isInteger(i) || i < 0 || i >= n) fail(where, 'batch index', `an integer in [0, ${n})`, i);
      const order = orderOf(epoch);
      const start = i * batchSize;
      const end = Math.min(rows, start + batchSize);
      const x = xs.map((arr, k) => {
        const s = shapes[k];
        const rowSize = size(s) / rows;
        return tf.tensor(gather(arr, rowSize, start, end, order), [end - start, ...s.slice(1)], 'float32');
      });
      const yRow = options.y.length / rows;
      const yData = gather(options.y, yRow, start, end, order);
      const y = tf.tensor(yData, [end - start, ...options.yShape.slice(1)], options.y instanceof Int32Array ? 'int32' : 'float32');
      return { x: multi ? x : x[0], y };
    },
  };
}

export interface GeneratorBatchSourceOptions {
  /** Batches per epoch. */
  numBatches: number | ((epoch: number) => number);
  /**
   * Builds batch `i` of `epoch`. `rng` is seeded from (seed, epoch, i) only, so batches do not
   * depend on the order they are asked for, and a resumed run rebuilds the same ones.
   */
  make: (i: number, epoch: number, rng: SeededRng) => Batch | Promise<Batch>;
  /** @default 0 */
  seed?: number;
}

/** Batches built on the fly (augmentation, random crops...), deterministic per (seed, epoch, i). */
export function generatorBatchSource(options: GeneratorBatchSourceOptions): IndexedBatchSource {
  const seed = options.seed ?? 0;
  const count = (epoch: number) => {
    const n = typeof options.numBatches === 'function' ? options.numBatches(epoch) : options.numBatches;
    return checkInt('generatorBatchSource', 'numBatches', n, 0);
  };
  count(0);
  return {
    numBatches: (epoch = 0) => count(epoch),
    batch: (i, epoch) => options.make(i, epoch, new SeededRng(hashSeed(seed, epoch, i))),
  };
}

/** A source over an (async) iterator factory, e.g. an async generator reading files. */
export function iterableBatchSource(batches: (epoch: number) => Iterable<Batch> | AsyncIterable<Batch>, numBatches?: number): IterableBatchSource {
  return numBatches === undefined ? { batches } : { batches, numBatches: () => numBatches };
}
