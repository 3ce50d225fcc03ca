import * as fs from 'fs';
import { writeFileAtomic } from './atomic';
import { DataError } from './errors';

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

/** Encode as .npy version 1.0 (C order, little-endian), numpy.load-compatible. */
export function encodeNpy(data: NpyArray, shape: number[] = [data.length]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) {
    throw new RangeError(`saveNpy: shape [${shape}] holds ${n} values but the array has ${data.length}`);
  }
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // magic(6) + version(2) + len(2) + header + '\n' padded to a multiple of 64
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function decodeNpy(bytes: Uint8Array, file = '<buffer>'): Npy {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) {
    throw new DataError(file, 'not a .npy file (expected the \\x93NUMPY magic bytes)');
  }
  const major = bytes[6];
  const headerLen = major === 1 ? bytes[8] | (bytes[9] << 8) : bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24);
  const start = major === 1 ? 10 : 12;
  const header = Buffer.from(bytes.subarray(start, start + headerLen)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new DataError(file, `unreadable .npy header: ${header.trim()}`);
  if (fortran === 'True') throw new DataError(file, 'fortran_order arrays are not supported (expected C order)');
  const entry = DESCR.find(([d]) => d === descr || (d[0] === '<' && descr === '=' + d.slice(1)));
  if (!entry) throw new DataError(file, `unsupported dtype '${descr}' (expected one of ${DESCR.map((d) => d[0]).join(', ')})`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const Ctor = entry[1] as unknown as { new (b: ArrayBuffer, o: number, n: number): NpyArray; BYTES_PER_ELEMENT: number };
  const offset = start + headerLen;
  if (bytes.length - offset < n * Ctor.BYTES_PER_ELEMENT) {
    throw new DataError(file, `truncated: shape [${shape}] needs ${n * Ctor.BYTES_PER_ELEMENT} bytes, file has ${bytes.length - offset}`);
  }
  // Copy so the result is aligned and owns its buffer.
  const buf = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + n * Ctor.BYTES_PER_ELEMENT) as ArrayBuffer;
  return { data: new Ctor(buf, 0, n), shape };
}

/** Save a typed array as .npy (atomic). */
export function saveNpy(file: string, data: NpyArray, shape?: number[]): void {
  writeFileAtomic(file, encodeNpy(data, shape));
}

export function loadNpy(file: string): Npy {
  if (!fs.existsSync(file)) throw new DataError(file, 'file not found (expected a .npy array)');
  return decodeNpy(fs.readFileSync(file), file);
}
