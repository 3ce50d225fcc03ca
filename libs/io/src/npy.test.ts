import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataError } from './errors';
import { decodeNpy, encodeNpy, loadNpy, loadNpyCache, NpyArray, NpyDamagedError, saveNpy } from './npy';

const FIX = path.join(__dirname, '__fixtures__');
const hasNumpy = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('npy', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-npy-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, NpyArray]> = [
    ['float32', Float32Array.from([1.5, -2.25, NaN, Infinity, 3.4e38])],
    ['float64', Float64Array.from([Math.PI, -0, 1e-300, NaN])],
    ['int32', Int32Array.from([0, -1, 2147483647, -2147483648])],
    ['uint8', Uint8Array.from([0, 1, 255])],
    ['int8', Int8Array.from([-128, 0, 127])],
    ['int16', Int16Array.from([-32768, 7, 32767])],
    ['uint16', Uint16Array.from([0, 65535])],
    ['uint32', Uint32Array.from([0, 4294967295])],
  ];
  it.each(cases)('round-trips %s through a file', (_name, data) => {
    const f = path.join(dir, 'a.npy');
    saveNpy(f, data, [data.length]);
    const back = loadNpy(f);
    expect(back.data.constructor).toBe(data.constructor);
    expect(back.shape).toEqual([data.length]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('keeps a 2-D shape and pads the header to 64 bytes', () => {
    const bytes = encodeNpy(new Float32Array(6).fill(2), [2, 3]);
    const headerLen = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(decodeNpy(bytes).shape).toEqual([2, 3]);
  });

  it('reads files written by numpy', () => {
    const f4 = loadNpy(path.join(FIX, 'f4_2x3.npy'));
    expect(f4.shape).toEqual([2, 3]);
    expect(f4.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f4.data)).toEqual(Array.from(Float32Array.from([1.5, -2.25, 3, 0.1, 1e-7, -0])));
    const i4 = loadNpy(path.join(FIX, 'i4.npy'));
    expect(Array.from(i4.data)).toEqual([0, -1, 2147483647, -2147483648, 42]);
    const f8 = loadNpy(path.join(FIX, 'f8.npy'));
    expect(Array.from(f8.data)).toEqual([Math.PI, -Math.E, 1e300, NaN, Infinity]);
    const u1 = loadNpy(path.join(FIX, 'u1.npy'));
    expect(u1.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(u1.data)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  (hasNumpy ? it : it.skip)('writes files numpy reads', () => {
    const f = path.join(dir, 'b.npy');
    saveNpy(f, Float32Array.from([1, 2, 3, 4, 5, 6.5]), [3, 2]);
    const out = execFileSync('/usr/bin/python3', ['-c', `import numpy as np; a = np.load('${f}'); print(a.dtype, a.shape, a[2, 1])`]);
    expect(out.toString().trim()).toBe('float32 (3, 2) 6.5');
  });

  it('rejects a wrong shape, a non-npy file and a missing file', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/shape \[2,3\] holds 6 values but the array has 5/);
    const f = path.join(dir, 'x.npy');
    fs.writeFileSync(f, 'hello world, not numpy');
    expect(() => loadNpy(f)).toThrow(/x\.npy: not a \.npy file \(expected the \\x93NUMPY magic/);
    expect(() => loadNpy(path.join(dir, 'none.npy'))).toThrow(/none\.npy: file not found/);
  });

  it('rejects a truncated file naming the bytes needed', () => {
    const bytes = encodeNpy(new Float64Array(4));
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 8), 't.npy')).toThrow(
      't.npy: truncated: shape [4] needs 32 bytes, file has 24 (expected a file of 160 bytes: 128 of header and 32 of data; it is 152)',
    );
  });

  it('throws NpyDamagedError for every way a file can be cut short or damaged', () => {
    const bytes = encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]); // 128 bytes of header + 24 of data
    const damaged = (b: Uint8Array): NpyDamagedError => {
      try {
        decodeNpy(b, 'c.npy');
      } catch (err) {
        expect(err).toBeInstanceOf(NpyDamagedError);
        expect(err).toBeInstanceOf(DataError); // callers that catch DataError keep working
        return err as NpyDamagedError;
      }
      throw new Error('expected decodeNpy to throw');
    };
    expect(damaged(bytes.subarray(0, 0)).message).toBe('c.npy: empty (0 bytes; expected a .npy array)');
    expect(damaged(bytes.subarray(0, 4)).reason).toBe('truncated: it is 4 bytes, too short for a .npy header (expected at least 12)');
    expect(damaged(bytes.subarray(0, 40)).reason).toBe('truncated: its header is 118 bytes but the file ends 30 bytes into it (40 bytes in all)');
    expect(damaged(bytes.subarray(0, 128)).reason).toMatch(/^truncated: shape \[2,3\] needs 24 bytes, file has 0 /);
    expect(damaged(bytes.subarray(0, 151)).reason).toBe('truncated: shape [2,3] needs 24 bytes, file has 23 (expected a file of 152 bytes: 128 of header and 24 of data; it is 151)');
    expect(damaged(Buffer.concat([bytes, Buffer.alloc(8)])).reason).toMatch(/^8 bytes more than shape \[2,3\] needs \(expected a file of 152 bytes.*it is 160\)/);
    const badShape = Buffer.from(bytes);
    badShape.write("'shape': (2, x), ", bytes.indexOf(0x27, 40)); // garbage in place of the shape
    expect(damaged(badShape).reason).toMatch(/^unreadable \.npy header/);
    const badVersion = Buffer.from(bytes);
    badVersion[6] = 9;
    expect(damaged(badVersion).reason).toBe('unsupported .npy version 9.0 (expected 1.0, 2.0 or 3.0)');
  });

  describe('loadNpyCache', () => {
    const shape = [3, 4];
    const data = Float32Array.from({ length: 12 }, (_, i) => i / 3);

    it('returns what saveNpy wrote, undefined for no file', () => {
      const f = path.join(dir, 'c.npy');
      const lines: string[] = [];
      expect(loadNpyCache(f, { type: Float32Array, shape }, (l) => lines.push(l))).toBeUndefined();
      saveNpy(f, data, shape);
      expect(Array.from(loadNpyCache(f, { type: Float32Array, shape }, (l) => lines.push(l))!)).toEqual(Array.from(data));
      expect(lines).toEqual([]);
    });

    it('logs and removes a cache cut short, with a bad header or of another shape, instead of using it', () => {
      const f = path.join(dir, 'c.npy');
      const whole = encodeNpy(data, shape);
      const cases: Array<[Uint8Array, RegExp, number[]?]> = [
        [whole.subarray(0, whole.length - 5), /truncated: shape \[3,4\] needs 48 bytes, file has 43/],
        [whole.subarray(0, 30), /truncated: its header is 118 bytes/],
        [Buffer.concat([Buffer.from('garbage!!!!!'), whole.subarray(12)]), /not a \.npy file/],
        [whole, /it holds Float32Array \[3,4\], expected Float32Array \[4,3\]/, [4, 3]],
      ];
      for (const [bytes, reason, want] of cases) {
        fs.writeFileSync(f, bytes);
        const lines: string[] = [];
        expect(loadNpyCache(f, { type: Float32Array, shape: want ?? shape }, (l) => lines.push(l))).toBeUndefined();
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^cache ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(.*; rebuilding$`));
        expect(lines[0]).toMatch(reason);
        expect(fs.existsSync(f)).toBe(false);
      }
    });
  });
});
