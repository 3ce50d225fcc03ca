/** Base64 (little-endian bytes) encoding of typed arrays for JSON models. */

type TypedArray = Int32Array | Float32Array | Uint8Array;
type Ctor<T> = { new (buffer: ArrayBuffer, byteOffset?: number, length?: number): T; BYTES_PER_ELEMENT: number };

export function encodeTyped(a: TypedArray): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function decodeTyped<T extends TypedArray>(s: unknown, ctor: Ctor<T>, name: string): T {
  if (typeof s !== 'string') throw new TypeError(`fromJSON: field ${name} must be a base64 string (received ${typeof s})`);
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % ctor.BYTES_PER_ELEMENT !== 0) {
    throw new RangeError(`fromJSON: field ${name} has ${bytes.length} bytes, not a multiple of ${ctor.BYTES_PER_ELEMENT}`);
  }
  const ab = new ArrayBuffer(bytes.length);
  new Uint8Array(ab).set(bytes);
  return new ctor(ab, 0, bytes.length / ctor.BYTES_PER_ELEMENT);
}
