import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readParquet, readParquetSchema, writeParquet } from './parquet';

describe('parquet', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-pq-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips typed and string columns across many row groups, in row order', async () => {
    const n = 25_003;
    const f32 = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 3));
    f32[5] = NaN;
    const f64 = Float64Array.from({ length: n }, (_, i) => i / 7);
    const i32 = Int32Array.from({ length: n }, (_, i) => i - 1000);
    const s = Array.from({ length: n }, (_, i) => `id_${i % 97}`);
    const f = path.join(dir, 'a.parquet');
    await writeParquet(f, { signal: f32, time: f64, k: i32, sig_id: s }, { rowGroupSize: 1000 });
    expect(fs.readdirSync(dir)).toEqual(['a.parquet']);
    const t = await readParquet(f);
    expect(t.nRows).toBe(n);
    expect(t.columnNames).toEqual(['signal', 'time', 'k', 'sig_id']);
    expect(t.columns.signal).toEqual(f32);
    expect(t.columns.time).toEqual(f64);
    expect(t.columns.k).toEqual(i32);
    expect(t.columns.sig_id).toEqual(s);
  });

  it('stores Float32Array as FLOAT (not widened) and typed arrays as required', async () => {
    const f = path.join(dir, 'b.parquet');
    await writeParquet(f, { x: Float32Array.from([1, 2]), y: Float64Array.from([1, 2]), z: Int32Array.from([1, 2]) });
    const md = parquetMetadata(new Uint8Array(fs.readFileSync(f)).buffer);
    const byName = Object.fromEntries(md.schema.slice(1).map((e) => [e.name, e]));
    expect(byName.x.type).toBe('FLOAT');
    expect(byName.y.type).toBe('DOUBLE');
    expect(byName.z.type).toBe('INT32');
    expect(byName.x.repetition_type).toBe('REQUIRED');
  });

  it('reads a subset of columns in the order asked', async () => {
    const f = path.join(dir, 'c.parquet');
    await writeParquet(f, { a: Int32Array.from([1, 2, 3]), b: ['x', 'y', 'z'], c: Float64Array.from([0.5, 1.5, 2.5]) });
    const t = await readParquet(f, { columns: ['c', 'a'] });
    expect(t.columnNames).toEqual(['c', 'a']);
    expect(Object.keys(t.columns)).toEqual(['c', 'a']);
    expect(Array.from(t.columns.c as Float64Array)).toEqual([0.5, 1.5, 2.5]);
    expect(await readParquetSchema(f)).toEqual(['a', 'b', 'c']);
  });

  it('turns nulls in nullable float and int columns into NaN (written by hyparquet-writer directly)', async () => {
    const f = path.join(dir, 'n.parquet');
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'x', data: [1.5, null, 2], type: 'FLOAT', nullable: true },
        { name: 'd', data: [null, 0.25, null], type: 'DOUBLE', nullable: true },
        { name: 'i', data: [1, null, 3], type: 'INT32', nullable: true },
        { name: 's', data: ['a', null, 'c'], type: 'STRING', nullable: true },
      ],
    });
    fs.writeFileSync(f, new Uint8Array(bytes));
    const t = await readParquet(f);
    expect(t.columns.x).toEqual(Float32Array.from([1.5, NaN, 2]));
    expect(t.columns.d).toEqual(Float64Array.from([NaN, 0.25, NaN]));
    expect(t.columns.i).toEqual(Float64Array.from([1, NaN, 3]));
    expect(t.columns.s).toEqual(['a', null, 'c']);
  });

  it('errors name the path: missing file, not parquet, missing column', async () => {
    await expect(readParquet(path.join(dir, 'none.parquet'))).rejects.toThrow(/none\.parquet: file not found \(expected a parquet file\)/);
    const csv = path.join(dir, 'train.csv');
    fs.writeFileSync(csv, 'time,signal\n1,2\n');
    await expect(readParquet(csv)).rejects.toThrow(/train\.csv: not a parquet file: it starts with "time", expected the magic "PAR1"/);
    await expect(readParquetSchema(csv)).rejects.toThrow(/not a parquet file: it starts with "time"/);
    const f = path.join(dir, 'c.parquet');
    await writeParquet(f, { a: Int32Array.from([1]), b: ['x'] });
    await expect(readParquet(f, { columns: ['a', 'zz'] })).rejects.toThrow(/c\.parquet: expected column 'zz', but the file has: a, b/);
  });

  it('says a file cut short is incomplete (to copy again), not that it lacks the PAR1 magic', async () => {
    const f = path.join(dir, 'whole.parquet');
    await writeParquet(f, { x: Float32Array.from({ length: 1000 }, (_, i) => i / 7) });
    const bytes = fs.readFileSync(f);
    const cut = path.join(dir, 'cut.parquet');
    const cutTo = (n: number): string => (fs.writeFileSync(cut, bytes.subarray(0, n)), cut);
    const n = bytes.length - 100;
    const hex = Array.from(bytes.subarray(n - 4, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const tail = /^[\x20-\x7e]{4}$/.test(bytes.toString('latin1', n - 4, n)) ? JSON.stringify(bytes.toString('latin1', n - 4, n)) : `bytes ${hex}`;
    await expect(readParquet(cutTo(n))).rejects.toThrow(
      `${cut}: not a complete parquet file: it is ${n} bytes and does not end with the footer magic "PAR1" (ends with ${tail}); it was probably cut short while copying: copy it again`,
    );
    await expect(readParquetSchema(cutTo(n))).rejects.toThrow(/cut\.parquet: not a complete parquet file: it is \d+ bytes and does not end with the footer magic "PAR1"/);
    await expect(readParquet(cutTo(7))).rejects.toThrow(
      /cut\.parquet: not a complete parquet file: it is 7 bytes, fewer than the 12 of the smallest parquet file .*copy it again/,
    );
    await expect(readParquet(cutTo(2))).rejects.toThrow(/cut\.parquet: not a complete parquet file: it is 2 bytes/);
    await expect(readParquet(cutTo(0))).rejects.toThrow(/cut\.parquet: not a parquet file: it is empty \(0 bytes\)/);
    // A whole footer glued to a file cut short: the footer's length no longer fits.
    const glued = Buffer.concat([bytes.subarray(0, 20), bytes.subarray(bytes.length - 8)]);
    fs.writeFileSync(cut, glued);
    const footer = bytes.readUInt32LE(bytes.length - 8);
    await expect(readParquet(cut)).rejects.toThrow(
      `${cut}: not a complete parquet file: its footer length says ${footer} bytes, but the file is only 28 bytes (expected at least ${footer + 12})`,
    );
    const bin = path.join(dir, 'bin.parquet');
    fs.writeFileSync(bin, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await expect(readParquet(bin)).rejects.toThrow(/bin\.parquet: not a parquet file: it starts with bytes 1f 8b 08 00, expected the magic "PAR1"/);
  });

  it('rejects ragged and unsupported columns', async () => {
    const f = path.join(dir, 'r.parquet');
    await expect(writeParquet(f, { a: Int32Array.from([1, 2]), b: ['x'] })).rejects.toThrow(/column 'b' has 1 values, expected 2/);
    await expect(writeParquet(f, { a: Uint8Array.from([1]) as unknown as Int32Array })).rejects.toThrow(/column 'a' is Uint8Array/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
