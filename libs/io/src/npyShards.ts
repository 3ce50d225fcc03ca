// A store of float32 rows of one fixed shape, sharded over .npy files so that no single buffer
// (written or read) holds more than maxShardBytes: a whole data set that Node cannot allocate
// (typed arrays, readFileSync) is written shard by shard and read back row by row.
//
// Layout of a store folder:
//   shard-00000.npy, shard-00001.npy, ...  each a valid .npy [rowsInShard, ...rowShape] '<f4'
//   index.json                             written last, atomically: its presence marks a whole store
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic';
import { DataError } from './errors';
import { NpyDamagedError, npyHeaderBytes } from './npy';

export const NPY_SHARDS_INDEX = 'index.json';
const DEFAULT_MAX_SHARD_BYTES = 256 * 2 ** 20;

export interface NpyShardsIndex {
  format: 'npy-shards';
  version: 1;
  /** What the rows were built from; a reader expecting another key treats the store as stale. */
  key: string;
  dtype: '<f4';
  rowShape: number[];
  rows: number;
  shards: Array<{ file: string; start: number; rows: number }>;
}

const shardName = (k: number) => `shard-${String(k).padStart(5, '0')}.npy`;

/**
 * Appends rows into shards of at most maxShardBytes of data. Starting a writer removes any
 * earlier store in `dir` (index first, so a half-rebuilt store never looks whole).
 */
export class NpyShardWriter {
  readonly rowSize: number;
  readonly rowsPerShard: number;
  private buf: Float32Array;
  private inBuf = 0;
  private total = 0;
  private shards: NpyShardsIndex['shards'] = [];
  private done = false;

  constructor(
    readonly dir: string,
    readonly options: { rowShape: number[]; key: string; maxShardBytes?: number },
  ) {
    this.rowSize = options.rowShape.reduce((a, b) => a * b, 1);
    const max = options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
    const rowBytes = this.rowSize * 4;
    if (!(this.rowSize > 0)) throw new RangeError(`NpyShardWriter: row shape [${options.rowShape}] is empty`);
    if (rowBytes > max) throw new RangeError(`NpyShardWriter: a row of [${options.rowShape}] float32 is ${rowBytes} bytes, more than maxShardBytes ${max}`);
    this.rowsPerShard = Math.floor(max / rowBytes);
    fs.rmSync(path.join(dir, NPY_SHARDS_INDEX), { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    this.buf = new Float32Array(0);
  }

  append(row: ArrayLike<number>): void {
    if (this.done) throw new Error('NpyShardWriter: append after finish');
    if (row.length !== this.rowSize) throw new RangeError(`NpyShardWriter: row has ${row.length} values, expected ${this.rowSize} ([${this.options.rowShape}])`);
    if ((this.inBuf + 1) * this.rowSize > this.buf.length) {
      // Grown by doubling up to one shard, so a small store never allocates a whole maxShardBytes.
      const grown = new Float32Array(Math.min(this.rowsPerShard, Math.max(1, 2 * this.inBuf)) * this.rowSize);
      grown.set(this.buf.subarray(0, this.inBuf * this.rowSize));
      this.buf = grown;
    }
    this.buf.set(row, this.inBuf * this.rowSize);
    this.inBuf++;
    if (this.inBuf === this.rowsPerShard) this.flush();
  }

  private flush(): void {
    if (this.inBuf === 0) return;
    const file = path.join(this.dir, shardName(this.shards.length));
    const data = this.buf.subarray(0, this.inBuf * this.rowSize);
    writeFileAtomic(file, [npyHeaderBytes('<f4', [this.inBuf, ...this.options.rowShape]), new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]);
    this.shards.push({ file: path.basename(file), start: this.total, rows: this.inBuf });
    this.total += this.inBuf;
    this.inBuf = 0;
  }

  /** Write the last shard, then the index (the store is whole only from here on). */
  finish(): NpyShardsIndex {
    this.flush();
    this.done = true;
    this.buf = new Float32Array(0);
    const index: NpyShardsIndex = { format: 'npy-shards', version: 1, key: this.options.key, dtype: '<f4', rowShape: this.options.rowShape, rows: this.total, shards: this.shards };
    writeFileAtomic(path.join(this.dir, NPY_SHARDS_INDEX), JSON.stringify(index) + '\n');
    return index;
  }
}

/** Check one shard's header and size against the index without reading its data. */
function checkShard(file: string, rows: number, rowShape: number[]): number {
  const damaged = (reason: string): never => {
    throw new NpyDamagedError(file, reason);
  };
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return damaged('missing (listed in the index)');
  }
  if (size === 0) damaged('empty (0 bytes; expected a .npy array)');
  const fd = fs.openSync(file, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(Math.min(size, 4096));
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if ([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59].some((m, i) => i < head.length && head[i] !== m)) damaged('not a .npy file (expected the \\x93NUMPY magic bytes)');
  if (head.length < 10 || head[6] !== 1) damaged(`truncated or not a version 1.0 .npy header (${size} bytes)`);
  const offset = 10 + (head[8] | (head[9] << 8));
  if (size < offset) damaged(`truncated: its header is ${offset - 10} bytes but the file ends ${size - 10} bytes into it (${size} bytes in all)`);
  if (head.length < offset) damaged(`unreadable .npy header: longer than ${head.length} bytes`);
  const header = head.subarray(10, offset).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const shape = (shapeText ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const want = [rows, ...rowShape];
  if (descr !== '<f4' || !/'fortran_order':\s*False/.test(header) || shape.join(',') !== want.join(',')) {
    damaged(`its header says ${descr} [${shape}], the index expects <f4 [${want}]`);
  }
  const need = rows * rowShape.reduce((a, b) => a * b, 1) * 4;
  const have = size - offset;
  if (have !== need) {
    const sizes = `(expected a file of ${offset + need} bytes: ${offset} of header and ${need} of data; it is ${size})`;
    damaged(have < need ? `truncated: shape [${want}] needs ${need} bytes, file has ${have} ${sizes}` : `${have - need} bytes more than shape [${want}] needs ${sizes}`);
  }
  return offset;
}

/**
 * Reads rows of a whole store by index: each row is one fs.readSync at its offset in the shard
 * that holds it, so memory holds only the rows asked for. Opening checks the index and every
 * shard's header and size (NpyDamagedError when they disagree or a shard is missing).
 */
export class NpyShardReader {
  readonly rows: number;
  readonly rowShape: number[];
  readonly rowSize: number;
  readonly index: NpyShardsIndex;
  private offsets: number[];
  private fds: Array<number | undefined>;

  private constructor(
    readonly dir: string,
    index: NpyShardsIndex,
    offsets: number[],
  ) {
    this.index = index;
    this.rows = index.rows;
    this.rowShape = index.rowShape;
    this.rowSize = index.rowShape.reduce((a, b) => a * b, 1);
    this.offsets = offsets;
    this.fds = index.shards.map(() => undefined);
  }

  /** Open a store; `expected` fields that differ make it a DataError (stale or foreign store). */
  static open(dir: string, expected: { key?: string; rowShape?: readonly number[]; rows?: number } = {}): NpyShardReader {
    const indexFile = path.join(dir, NPY_SHARDS_INDEX);
    if (!fs.existsSync(indexFile)) throw new NpyDamagedError(indexFile, 'incomplete: no index.json (the build was interrupted)');
    let index: NpyShardsIndex;
    try {
      index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as NpyShardsIndex;
    } catch (err) {
      throw new NpyDamagedError(indexFile, `unreadable index: ${(err as Error).message}`);
    }
    if (index?.format !== 'npy-shards' || index.version !== 1 || index.dtype !== '<f4' || !Array.isArray(index.rowShape) || !Array.isArray(index.shards)) {
      throw new NpyDamagedError(indexFile, 'not an npy-shards version 1 float32 index');
    }
    let next = 0;
    for (const s of index.shards) {
      if (s.start !== next) throw new NpyDamagedError(indexFile, `shard ${s.file} starts at row ${s.start}, expected ${next}`);
      next += s.rows;
    }
    if (next !== index.rows) throw new NpyDamagedError(indexFile, `shards hold ${next} rows, the index says ${index.rows}`);
    if (expected.key !== undefined && index.key !== expected.key) throw new DataError(indexFile, `holds key ${index.key}, expected ${expected.key}`);
    if (expected.rowShape && index.rowShape.join(',') !== expected.rowShape.join(',')) {
      throw new DataError(indexFile, `holds rows of [${index.rowShape}], expected [${expected.rowShape}]`);
    }
    if (expected.rows !== undefined && index.rows !== expected.rows) throw new DataError(indexFile, `holds ${index.rows} rows, expected ${expected.rows}`);
    const offsets = index.shards.map((s) => checkShard(path.join(dir, s.file), s.rows, index.rowShape));
    return new NpyShardReader(dir, index, offsets);
  }

  /** The shard holding row i (binary search over the row ranges). */
  private shardOf(i: number): number {
    let lo = 0;
    let hi = this.index.shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.index.shards[mid].start <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Row i into `out` (or a new array), reading only its bytes. */
  row(i: number, out = new Float32Array(this.rowSize)): Float32Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows) throw new RangeError(`NpyShardReader: row ${i} is outside 0..${this.rows - 1}`);
    if (out.length !== this.rowSize) throw new RangeError(`NpyShardReader: out has ${out.length} values, a row ${this.rowSize}`);
    const k = this.shardOf(i);
    const s = this.index.shards[k];
    let fd = this.fds[k];
    if (fd === undefined) fd = this.fds[k] = fs.openSync(path.join(this.dir, s.file), 'r');
    const bytes = this.rowSize * 4;
    const pos = this.offsets[k] + (i - s.start) * bytes;
    const view = new Uint8Array(out.buffer, out.byteOffset, bytes);
    let got = 0;
    while (got < bytes) {
      const n = fs.readSync(fd, view, got, bytes - got, pos + got);
      if (n === 0) throw new NpyDamagedError(path.join(this.dir, s.file), `truncated after it was opened: row ${i} ends past the file's end`);
      got += n;
    }
    return out;
  }

  /** Rows `indices`, in that order, as one [indices.length, ...rowShape] array. */
  rowsAt(indices: ArrayLike<number>): Float32Array {
    const out = new Float32Array(indices.length * this.rowSize);
    for (let k = 0; k < indices.length; k++) this.row(indices[k], out.subarray(k * this.rowSize, (k + 1) * this.rowSize));
    return out;
  }

  close(): void {
    for (const fd of this.fds) if (fd !== undefined) fs.closeSync(fd);
    this.fds = this.fds.map(() => undefined);
  }
}

/**
 * Open a cache store that NpyShardWriter wrote, or return undefined when it must be (re)built:
 * missing, or incomplete, damaged or stale. Anything but a missing folder is logged,
 * `cache <dir> is damaged (<reason>); rebuilding`, and removed (as loadNpyCache does).
 */
export function openNpyShardsCache(dir: string, expected: { key: string; rowShape: readonly number[]; rows: number }, log: (line: string) => void): NpyShardReader | undefined {
  if (!fs.existsSync(dir)) return undefined;
  let reason: string;
  try {
    return NpyShardReader.open(dir, expected);
  } catch (err) {
    if (!(err instanceof DataError)) throw err; // e.g. permission denied: not something a rebuild fixes
    const what = err instanceof NpyDamagedError ? err.reason : err.problem;
    reason = `${path.relative(dir, err.file) || '.'}: ${what}`;
  }
  log(`cache ${dir} is damaged (${reason}); rebuilding`);
  fs.rmSync(dir, { recursive: true, force: true });
  return undefined;
}

/**
 * Caches are sharded stores (folders) now; a single-file `.npy` cache left at the top of a cache
 * folder by older code is never read again, and at Kaggle scale holds gigabytes: remove it, saying so.
 */
export function removeSingleFileCaches(cacheDir: string, log: (line: string) => void): void {
  if (!fs.existsSync(cacheDir)) return;
  for (const e of fs.readdirSync(cacheDir, { withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.npy')) continue;
    const file = path.join(cacheDir, e.name);
    const mib = fs.statSync(file).size / 2 ** 20;
    fs.rmSync(file, { force: true });
    log(`removed ${file} (${mib.toFixed(1)} MiB): a single-file cache of older code, never read now (caches are sharded stores)`);
  }
}
