import * as fs from 'fs';
import { writeFileAtomic } from './atomic';
import { DataError } from './errors';
import { checkMemory, fmtBytes, ResourceError } from './resources';

/** Typed arrays that map onto numpy dtypes. */
export type NpyArray = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array;

export interface Npy<T extends NpyArray = NpyArray> {
  data: T;
  shape: number[];
}

const DESCR: Array<[string, new (n: number) => NpyArray]> = [
  ['<f4', Float32Array],
  ['<f8', Float64Array],
  ['<i4', Int32Array],
  ['|u1', Uint8Array],
  ['|i1', Int8Array],
  ['<i2', Int16Array],
  ['<u2', Uint16Array],
  ['<u4', Uint32Array],
];

function descrOf(data: NpyArray): string {
  for (const [d, Ctor] of DESCR) if (data.constructor === Ctor) return d;
  throw new TypeError(`saveNpy: unsupported array type ${data.constructor.name}`);
}

/** The .npy 1.0 header (magic, version, length, padded dict) for a C-order array of `shape`. */
export function npyHeaderBytes(descr: string, shape: number[]): Uint8Array {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // magic(6) + version(2) + len(2) + header + '\n' padded to a multiple of 64
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

function checkShape(data: NpyArray, shape: number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) {
    throw new RangeError(`saveNpy: shape [${shape}] holds ${n} values but the array has ${data.length}`);
  }
}

/** Encode as .npy version 1.0 (C order, little-endian), numpy.load-compatible. */
export function encodeNpy(data: NpyArray, shape: number[] = [data.length]): Uint8Array {
  checkShape(data, shape);
  const head = npyHeaderBytes(descrOf(data), shape);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  return out;
}

/**
 * A .npy file whose bytes do not make one whole array: not the magic, a
 * header cut off or unreadable, or fewer or more data bytes than the header's
 * shape needs (cut short by a killed writer, a full disk or a partial copy).
 * Caches catch it and rebuild (loadNpyCache); elsewhere it is a DataError.
 */
export class NpyDamagedError extends DataError {
  override name = 'NpyDamagedError';
  constructor(
    file: string,
    /** What is wrong, without the file name. */
    readonly reason: string,
  ) {
    super(file, reason);
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function decodeNpy(bytes: Uint8Array, file = '<buffer>'): Npy {
  const damaged = (reason: string): never => {
    throw new NpyDamagedError(file, reason);
  };
  if (bytes.length === 0) damaged('empty (0 bytes; expected a .npy array)');
  if (MAGIC.some((m, i) => i < bytes.length && bytes[i] !== m)) damaged('not a .npy file (expected the \\x93NUMPY magic bytes)');
  const major = bytes[6];
  // Version 1 has a 2-byte header length, 2 and 3 a 4-byte one.
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) damaged(`truncated: it is ${bytes.length} bytes, too short for a .npy header (expected at least ${start})`);
  if (major < 1 || major > 3) damaged(`unsupported .npy version ${major}.${bytes[7]} (expected 1.0, 2.0 or 3.0)`);
  const headerLen = major === 1 ? bytes[8] | (bytes[9] << 8) : (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16)) + bytes[11] * 2 ** 24;
  const offset = start + headerLen;
  if (bytes.length < offset) damaged(`truncated: its header is ${headerLen} bytes but the file ends ${bytes.length - start} bytes into it (${bytes.length} bytes in all)`);
  const header = Buffer.from(bytes.subarray(start, offset)).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const shape = (shapeText ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (!descr || !fortran || shapeText === undefined || shape.some(Number.isNaN)) damaged(`unreadable .npy header: ${JSON.stringify(header.trim().slice(0, 200))}`);
  if (fortran === 'True') throw new DataError(file, 'fortran_order arrays are not supported (expected C order)');
  const entry = DESCR.find(([d]) => d === descr || (d[0] === '<' && descr === '=' + d.slice(1)));
  if (!entry) throw new DataError(file, `unsupported dtype '${descr}' (expected one of ${DESCR.map((d) => d[0]).join(', ')})`);
  const n = shape.reduce((a, b) => a * b, 1);
  const Ctor = entry[1] as unknown as { new (b: ArrayBuffer, o: number, n: number): NpyArray; BYTES_PER_ELEMENT: number };
  const need = n * Ctor.BYTES_PER_ELEMENT;
  const have = bytes.length - offset;
  if (have !== need) {
    // Either way the file is not what was written: numpy writes exactly header + data.
    const sizes = `(expected a file of ${offset + need} bytes: ${offset} of header and ${need} of data; it is ${bytes.length})`;
    damaged(have < need ? `truncated: shape [${shape}] needs ${need} bytes, file has ${have} ${sizes}` : `${have - need} bytes more than shape [${shape}] needs ${sizes}`);
  }
  // Copy so the result is aligned and owns its buffer.
  const buf = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + need) as ArrayBuffer;
  return { data: new Ctor(buf, 0, n), shape };
}

/** Save a typed array as .npy (atomic). */
export function saveNpy(file: string, data: NpyArray, shape: number[] = [data.length]): void {
  checkShape(data, shape);
  // Header and a view of the data, written one after the other: no copy of a large array.
  writeFileAtomic(file, [npyHeaderBytes(descrOf(data), shape), new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]);
}

export function loadNpy(file: string): Npy {
  if (!fs.existsSync(file)) throw new DataError(file, 'file not found (expected a .npy array)');
  const size = fs.statSync(file).size;
  // The bytes are read and then copied into an aligned array: twice the file at the peak.
  checkMemory(2 * size, `reading ${file}`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_FS_FILE_TOO_LARGE' || (err as Error).name === 'RangeError') {
      throw new ResourceError(`cannot read ${file} (${fmtBytes(size)}) in one piece: Node reads at most 2 GiB at once; an array this large should be stored as shards (NpyShardWriter)`);
    }
    throw err;
  }
  return decodeNpy(bytes, file);
}

/**
 * Read a cache file that saveNpy wrote, or return undefined when it must be
 * (re)built: missing, or damaged (cut short by a killed run or a full disk, a
 * bad header) or not the expected type and shape. A damaged file is logged,
 * `cache <file> is damaged (<reason>); rebuilding`, and removed (freeing the
 * space the rebuild needs): never used, never left for the user to fix.
 */
export function loadNpyCache<T extends NpyArray>(
  file: string,
  expected: { type: new (n: number) => T; shape: readonly number[] },
  log: (line: string) => void,
): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  let reason: string;
  try {
    const { data, shape } = loadNpy(file);
    if (data instanceof expected.type && shape.join(',') === expected.shape.join(',')) return data;
    reason = `it holds ${data.constructor.name} [${shape}], expected ${expected.type.name} [${expected.shape}]`;
  } catch (err) {
    if (!(err instanceof DataError)) throw err; // e.g. permission denied: not something a rebuild fixes
    reason = err instanceof NpyDamagedError ? err.reason : err.problem;
  }
  log(`cache ${file} is damaged (${reason}); rebuilding`);
  fs.rmSync(file, { force: true });
  return undefined;
}
