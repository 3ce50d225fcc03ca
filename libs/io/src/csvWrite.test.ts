import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCsvColumns } from './csvRead';
import { writeCsv } from './csvWrite';

describe('writeCsv', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-csvw-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a submission with %.4f times and int channels', async () => {
    const f = path.join(dir, 'submission.csv');
    await writeCsv(f, [
      { name: 'time', values: Float64Array.from([500.0001, 500.0002, 0.00005, 1.23456]), format: { fixed: 4 } },
      { name: 'open_channels', values: Int32Array.from([0, 10, 3, 1]), format: 'int' },
    ]);
    expect(fs.readFileSync(f, 'utf8')).toBe('time,open_channels\n500.0001,0\n500.0002,10\n0.0001,3\n1.2346,1\n');
    expect(fs.readdirSync(dir)).toEqual(['submission.csv']);
  });

  it('round-trips through readCsvColumns (quotes, NaN, float32 shortest text)', async () => {
    const f = path.join(dir, 'r.csv');
    const signal = Float32Array.from([0.1, -2.76, NaN, 3.4028234663852886e38, 1e-45]);
    const x = Float64Array.from([Math.PI, 1 / 3, -0.5, 1e300, NaN]);
    const names = ['a,b', 'say "hi"', 'line\nbreak', '', 'plain'];
    await writeCsv(f, [
      { name: 'signal', values: signal },
      { name: 'x', values: x },
      { name: 'name', values: names },
      { name: 'k', values: [1, null, 3, undefined, 5] },
    ]);
    const text = fs.readFileSync(f, 'utf8');
    expect(text.split('\n')[1]).toBe('0.1,3.141592653589793,"a,b",1');
    const t = await readCsvColumns(f, { columns: { signal: 'float32', x: 'float64', name: 'string', k: 'float64' } });
    expect(t.columns.signal).toEqual(signal);
    expect(t.columns.x).toEqual(x);
    expect(t.columns.name).toEqual(names);
    expect(Array.from(t.columns.k)).toEqual([1, NaN, 3, NaN, 5]);
  });

  it('applies function formats and reports progress by chunk', async () => {
    const f = path.join(dir, 'p.csv');
    const seen: number[] = [];
    await writeCsv(f, [{ name: 'v', values: [1, 2, 3, 4, 5], format: (v) => `<${v}>` }], {
      rowsPerChunk: 2,
      onProgress: (done, total) => seen.push(done, total),
    });
    expect(fs.readFileSync(f, 'utf8')).toBe('v\n<1>\n<2>\n<3>\n<4>\n<5>\n');
    expect(seen).toEqual([2, 5, 4, 5, 5, 5]);
  });

  it('rejects ragged columns, non-integers under int, and leaves no partial file', async () => {
    const f = path.join(dir, 'bad.csv');
    await expect(writeCsv(f, [{ name: 'a', values: [1, 2] }, { name: 'b', values: [1] }])).rejects.toThrow(
      /column 'b' has 1 values, expected 2 \(as column 'a'\)/,
    );
    fs.writeFileSync(f, 'old\n');
    await expect(writeCsv(f, [{ name: 'a', values: [1, 2.5], format: 'int' }], { rowsPerChunk: 1 })).rejects.toThrow(
      /column 'a' value 1 \(0-based\) is formatted as 'int' but holds 2\.5/,
    );
    expect(fs.readdirSync(dir)).toEqual(['bad.csv']);
    expect(fs.readFileSync(f, 'utf8')).toBe('old\n');
    await expect(writeCsv(f, [{ name: 'a', values: [1], format: { fixed: -1 } }])).rejects.toThrow(/has format \{"fixed":-1\}/);
  });

  // Speed is measured by libs/io/bench/csvRead.bench.ts, not asserted here (timed tests flake).
  it('writes a full-size Ion Switching submission (2,000,000 rows, %.4f times) that reads back exactly', async () => {
    const n = 2_000_000;
    const time = new Float64Array(n).map((_, i) => (i + 1) / 10000 + 500);
    const ch = new Int32Array(n).map((_, i) => i % 11);
    const f = path.join(dir, 'big.csv');
    await writeCsv(f, [
      { name: 'time', values: time, format: { fixed: 4 } },
      { name: 'open_channels', values: ch, format: 'int' },
    ]);
    expect(fs.readFileSync(f, 'utf8').slice(0, 41)).toBe('time,open_channels\n500.0001,0\n500.0002,1\n');
    const t = await readCsvColumns(f, { columns: { time: 'float64', open_channels: 'int32' } });
    expect(t.nRows).toBe(n);
    expect(t.columns.time[n - 1]).toBe(700);
    expect(t.columns.open_channels[n - 1]).toBe((n - 1) % 11);
  });
});
