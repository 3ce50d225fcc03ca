import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCsvColumns, readCsvHeader } from './csvRead';
import { readIonSwitchingTest } from './kaggle/ionSwitchingFiles';

const FIX = path.join(__dirname, '__fixtures__');

describe('readCsvColumns', () => {
  let dir: string;
  const write = (name: string, text: string | Buffer): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-csv-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ION = { time: 'float64', signal: 'float32', open_channels: 'int32' } as const;

  it('reads typed columns and the header', async () => {
    const f = write('t.csv', 'time,signal,open_channels\n0.0001,-2.7600,0\n0.0002,-2.8557,3\n');
    const t = await readCsvColumns(f, { columns: ION });
    expect(t.nRows).toBe(2);
    expect(t.header).toEqual(['time', 'signal', 'open_channels']);
    expect(t.columns.time).toEqual(Float64Array.from([0.0001, 0.0002]));
    expect(t.columns.signal).toEqual(Float32Array.from([-2.76, -2.8557]));
    expect(t.columns.open_channels).toEqual(Int32Array.from([0, 3]));
  });

  it('parses numbers exactly as parseFloat does', async () => {
    const texts = ['0', '-0', '1', '+2.5', '.5', '5.', '1e3', '1E-3', '-1.5e+10', '123456789012345678', '0.1234567890123456789',
      '4.9e-324', '1.7976931348623157e308', '2.2250738585072014e-308', '9007199254740993', '0.30000000000000004', 'nan', 'inf', '-inf', 'NaN'];
    const f = write('n.csv', 'x\n' + texts.join('\n') + '\n');
    const t = await readCsvColumns(f, { columns: { x: 'float64' } });
    const expected = texts.map((s) => (s.toLowerCase() === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : parseFloat(s)));
    expect(Array.from(t.columns.x)).toEqual(expected);
    expect(Object.is(t.columns.x[1], -0)).toBe(true);
  });

  it('gives the same result for every chunk size (records cut at any byte)', async () => {
    const text = 'a,b,name\r\n1.25,7,"x, ""y"""\r\n-3,8,plain\r\n4e2,-9,"multi\nline"\r\n,10,\r\n5,11,last';
    const f = write('c.csv', text);
    const onWarning = (): void => {}; // the last line has no newline: one warning per read
    const want = await readCsvColumns(f, { columns: { a: 'float32', b: 'int32', name: 'string' }, onWarning });
    expect(want.nRows).toBe(5);
    expect(want.columns.name).toEqual(['x, "y"', 'plain', 'multi\nline', '', 'last']);
    expect(Array.from(want.columns.a)).toEqual([1.25, -3, 400, NaN, 5]);
    for (let cs = 1; cs <= text.length; cs++) {
      const got = await readCsvColumns(f, { chunkSize: cs, columns: { a: 'float32', b: 'int32', name: 'string' }, onWarning });
      expect({ cs, ...got }).toEqual({ cs, ...want });
    }
  });

  it('handles a missing trailing newline, blank trailing lines, a BOM and quoted numbers', async () => {
    const f = write('m.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('"x",y\n"1.5",2\n3,"4"\n\n\n')]));
    const t = await readCsvColumns(f, { columns: { x: 'float64', y: 'int32' } });
    expect(t.header).toEqual(['x', 'y']);
    expect(Array.from(t.columns.x)).toEqual([1.5, 3]);
    expect(Array.from(t.columns.y)).toEqual([2, 4]);
  });

  it('reads only the requested columns, and others with defaultType', async () => {
    const f = write('d.csv', 'sig_id,cp_type,g-0,g-1\nid_1,trt_cp,0.5,-1\nid_2,ctl_vehicle,1,2\n');
    const only = await readCsvColumns(f, { columns: { sig_id: 'string' } });
    expect(Object.keys(only.columns)).toEqual(['sig_id']);
    const all = await readCsvColumns(f, { columns: { sig_id: 'string', cp_type: 'string' }, defaultType: 'float32' });
    expect(Object.keys(all.columns)).toEqual(['sig_id', 'cp_type', 'g-0', 'g-1']);
    expect(all.columns['g-1']).toEqual(Float32Array.from([-1, 2]));
    expect(all.columns.cp_type).toEqual(['trt_cp', 'ctl_vehicle']);
  });

  it('reads a CSV written by pandas (quotes, embedded newline, NaN as empty)', async () => {
    const t = await readCsvColumns(path.join(FIX, 'pandas.csv'), {
      columns: { time: 'float64', signal: 'float64', open_channels: 'int32', sig_id: 'string' },
    });
    expect(t.nRows).toBe(4);
    expect(Array.from(t.columns.signal)).toEqual([-2.76, NaN, 1.2345679, 3e-5]);
    expect(t.columns.sig_id).toEqual(['id_000644bb2', 'id, "quoted"', 'line\nbreak', '']);
    expect(Array.from(t.columns.open_channels)).toEqual([0, 1, 10, 3]);
  });

  it('reads a header-only file as zero rows', async () => {
    const f = write('h.csv', 'time,signal');
    const warnings: string[] = [];
    const t = await readCsvColumns(f, { columns: { time: 'float64', signal: 'string' }, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([`${f} (row 1): warning: the file does not end with a newline and has no rows after its header; if the file was copied, check that the copy is complete`]);
    expect(t.nRows).toBe(0);
    expect(t.columns.time).toEqual(new Float64Array(0));
    expect(t.columns.signal).toEqual([]);
  });

  it('grows columns when the sampled row count is far too low', async () => {
    // Long rows where the size estimate samples the file, short rows elsewhere:
    // the first allocation is far too small and must grow several times.
    const T = 2_000_000;
    const zones = [0, 0.25, 0.5, 0.75, 1].map((at) => [at * T - 8_000, at * T + 90_000]);
    const parts: string[] = ['i,pad\n'];
    let size = parts[0].length;
    let i = 0;
    while (size < T) {
      const long = zones.some(([a, b]) => size >= a && size < b) || size > T - 90_000;
      const row = `${i},${long ? 'x'.repeat(200) : ''}\n`;
      parts.push(row);
      size += row.length;
      i++;
    }
    const f = write('g.csv', parts.join(''));
    const t = await readCsvColumns(f, { columns: { i: 'int32' } });
    expect(t.nRows).toBe(i);
    expect(i).toBeGreaterThan(150_000);
    expect(Array.from(t.columns.i).every((v, k) => v === k)).toBe(true);
  });

  it('reports progress up to the file size', async () => {
    const f = write('p.csv', 'x\n' + '1\n'.repeat(5000));
    const calls: Array<[number, number]> = [];
    await readCsvColumns(f, { columns: { x: 'int32' }, chunkSize: 1024, onProgress: (b, t) => calls.push([b, t]) });
    const size = fs.statSync(f).size;
    expect(calls.length).toBeGreaterThan(5);
    expect(calls[calls.length - 1]).toEqual([size, size]);
    expect(calls.every(([b], i) => i === 0 || b > calls[i - 1][0])).toBe(true);
  });

  describe('errors', () => {
    it('names file, row, column and the text for a non-number', async () => {
      const f = write('bad.csv', 'time,signal\n0.1,1.0\n0.2,abc\n');
      await expect(readCsvColumns(f, { columns: { time: 'float64', signal: 'float32' } })).rejects.toThrow(
        /bad\.csv \(row 3, column 'signal'\): expected a float32 number, got 'abc'/,
      );
    });

    it('rejects empty, fractional and overflowing int32 fields', async () => {
      const cols = { k: 'int32' } as const;
      await expect(readCsvColumns(write('e2.csv', 'k,z\n1,0\n,0\n'), { columns: cols })).rejects.toThrow(
        /e2\.csv \(row 3, column 'k'\): expected an int32, got an empty field/,
      );
      await expect(readCsvColumns(write('f.csv', 'k\n3.0\n'), { columns: cols })).rejects.toThrow(/row 2, column 'k'\): expected an int32, got '3\.0'/);
      await expect(readCsvColumns(write('o.csv', 'k\n2147483648\n'), { columns: cols })).rejects.toThrow(/expected an int32, got '2147483648'/);
      const ok = await readCsvColumns(write('ok.csv', 'k\n-2147483648\n2147483647\n'), { columns: cols });
      expect(Array.from(ok.columns.k)).toEqual([-2147483648, 2147483647]);
    });

    it('lists the header when a requested column is missing, unless requireColumns is false', async () => {
      const f = write('h.csv', 'time,signal\n1,2\n');
      await expect(readCsvColumns(f, { columns: { time: 'float64', open_channels: 'int32' } })).rejects.toThrow(
        /h\.csv \(row 1\): expected column 'open_channels', but the header has: time, signal/,
      );
      const t = await readCsvColumns(f, { columns: { time: 'float64', open_channels: 'int32' }, requireColumns: false });
      expect(Object.keys(t.columns)).toEqual(['time']);
    });

    it('rejects rows with the wrong number of fields', async () => {
      await expect(readCsvColumns(write('w.csv', 'a,b\n1,2\n3\n'), { columns: { a: 'int32' } })).rejects.toThrow(
        /w\.csv \(row 3\): expected 2 fields as in the header, got 1/,
      );
      await expect(readCsvColumns(write('w2.csv', 'a,b\n1,2,3\n'), { columns: { a: 'int32' } })).rejects.toThrow(
        /row 2\): expected 2 fields as in the header, got more/,
      );
    });

    it('rejects an unclosed quote, a missing file and an empty file', async () => {
      await expect(readCsvColumns(write('q.csv', 'a,b\n1,"open\n'), { columns: { b: 'string' } })).rejects.toThrow(/never closed/);
      await expect(readCsvColumns(path.join(dir, 'none.csv'), { columns: {} })).rejects.toThrow(/none\.csv: file not found \(expected a CSV file\)/);
      await expect(readCsvColumns(write('empty.csv', ''), { columns: {} })).rejects.toThrow(/empty\.csv: expected a CSV header line, got an empty file/);
    });
  });
});

describe('readCsvColumns: a last line without a newline (a file cut short)', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-csv-cut-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ION = { time: 'float64', signal: 'float32' } as const;
  /** Rows as Kaggle writes them: %.4f, so some values end in 0 (-2.7600, 1.0620). */
  const ionRows = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => `${(500 + (i + 1) / 10000).toFixed(4)},${i === 0 ? '-2.7600' : (Math.sin(i) * 3 + 0.00003).toFixed(4)}`);
  const read = async (f: string, columns: Record<string, 'float32' | 'float64' | 'int32' | 'string'> = ION, chunkSize?: number) => {
    const warnings: string[] = [];
    const t = await readCsvColumns(f, { columns, chunkSize, onWarning: (m) => warnings.push(m) });
    return { t, warnings };
  };

  it('rejects a number cut to fewer decimals than the column has, for every chunk size', async () => {
    const text = 'time,signal\n0.0001,-2.7600\n0.0002,1.0620\n0.0003,-1.68';
    const f = write('test.csv', text);
    const msg = /test\.csv \(row 4, column 'signal'\): expected a number with 4 decimals as in the 2 rows before it \(e\.g\. '-2\.7600'\), got '-1\.68'; the file ends without a newline, so it was probably cut short while copying: copy it again/;
    for (let cs = 1; cs <= text.length; cs += 3) await expect(read(f, ION, cs)).rejects.toThrow(msg);
    // The same line with its newline is a (short) value like any other.
    const ok = await read(write('ok.csv', text + '\n'));
    expect(ok.warnings).toEqual([]);
    expect(ok.t.nRows).toBe(3);
  });

  it('needs no padding evidence once 100 rows share a width, and stays quiet on fewer', async () => {
    // No value ends in 0 after the point: fixed width shows only through the count of rows.
    const rows = Array.from({ length: 120 }, (_, i) => `${i},${(1.1111 + i / 10000).toFixed(4).replace(/0$/, '1')}`);
    await expect(read(write('many.csv', `t,x\n${rows.join('\n')}\n120,-1.68`), { t: 'int32', x: 'float32' })).rejects.toThrow(
      /\(row 122, column 'x'\): expected a number with 4 decimals as in the 120 rows before it/,
    );
    // Three rows that happen to have 4 decimals prove nothing: a shorter last value is read, with a warning.
    const few = await read(write('few.csv', `t,x\n${rows.slice(0, 3).join('\n')}\n3,-1.68`), { t: 'int32', x: 'float32' });
    expect((few.t.columns.x as Float32Array)[3]).toBeCloseTo(-1.68, 6);
    expect(few.warnings).toHaveLength(1);
  });

  it('compares with the rows in the last 4 MiB of a large file', async () => {
    const rows = Array.from({ length: 700_000 }, (_, i) => `${i % 7},${((i % 9000) / 1000 + 1.0001).toFixed(4)}`); // 9-byte rows, 6.3 MB
    const f = write('big.csv', `k,x\n${rows.join('\n')}\n7,2.5`);
    const err = await read(f, { k: 'int32', x: 'float32' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const m = /\(row 700002, column 'x'\): expected a number with 4 decimals as in the (\d+) rows before it/.exec((err as Error).message);
    expect(m).not.toBeNull();
    const tracked = Number(m![1]);
    expect(tracked).toBeGreaterThan(450_000); // about 4 MiB of 9-byte rows, not the whole file
    expect(tracked).toBeLessThan(600_000);
  });

  it('rejects a missing field, an empty field, a bare sign or point, and a short fixed-width integer', async () => {
    await expect(read(write('f.csv', 'time,signal\n0.0001,-2.7600\n0.0002'))).rejects.toThrow(
      /f\.csv \(row 3, column 'signal'\): expected 2 fields as in the header, got 1; the file ends without a newline/,
    );
    await expect(read(write('e.csv', 'time,signal\n0.0001,-2.7600\n0.0002,'))).rejects.toThrow(
      /e\.csv \(row 3, column 'signal'\): expected a value as in the 1 row before it \(e\.g\. '-2\.7600'\), got an empty field; the file ends/,
    );
    await expect(read(write('s.csv', 'time,signal\n0.0001,-2.76\n0.0002,-'))).rejects.toThrow(/\(row 3, column 'signal'\): expected a number as in the 1 row before it.*got '-'; the file ends/);
    await expect(read(write('p.csv', 'time,signal\n0.0001,-2.76\n0.0002,3.'))).rejects.toThrow(/\(row 3, column 'signal'\): expected digits after the '\.' .*got '3\.'/);
    const ids = Array.from({ length: 150 }, (_, i) => `${i},${1000000 + i * 37}`).join('\n');
    await expect(read(write('i.csv', `k,id\n${ids}\n150,10`), { k: 'int32', id: 'int32' })).rejects.toThrow(
      /\(row 152, column 'id'\): expected an integer with 7 digits as in the 150 rows before it/,
    );
    await expect(read(write('q.csv', 'a,b\n1,"x"\n2,"op'), { b: 'string' })).rejects.toThrow(/never closed.*the file ends without a newline/);
  });

  it('reads a complete last line with one warning naming file and row', async () => {
    const cases: Array<[string, Record<string, 'float32' | 'float64' | 'int32' | 'string'>, number]> = [
      [`time,signal\n${ionRows(4).join('\n')}`, ION, 4],
      ['a,b\n1,\n3,', { a: 'int32', b: 'float32' }, 2], // the column has empty fields
      ['a,name\n1,x\n2,10', { a: 'int32', name: 'string' }, 2], // text column
      ['a,v\n1,0.5\n2,nan', { a: 'int32', v: 'float64' }, 2],
      ['a,v\n1,-2.7600\n2,-2.76001', { a: 'int32', v: 'float64' }, 2], // more decimals is not a cut
    ];
    for (const [text, columns, n] of cases) {
      const f = write('fine.csv', text);
      const { t, warnings } = await read(f, columns);
      expect(t.nRows).toBe(n);
      expect(warnings).toEqual([
        `${f} (row ${n + 1}): warning: the file does not end with a newline; its last line has all 2 fields and no value that looks cut short, so it is read; if the file was copied, check that the copy is complete`,
      ]);
    }
  });

  it('applies where the Kaggle files are read (Ion Switching test.csv) and warns on stderr', async () => {
    const rows = ionRows(20);
    fs.writeFileSync(path.join(dir, 'test.csv'), `time,signal\n${rows.join('\n')}\n`.slice(0, -4)); // the newline and the last 3 digits
    await expect(readIonSwitchingTest(dir)).rejects.toThrow(/test\.csv \(row 21, column 'signal'\): expected a number with 4 decimals .* got '-?\d\.\d{0,3}'; the file ends without a newline/);
    fs.writeFileSync(path.join(dir, 'test.csv'), `time,signal\n${rows.join('\n')}`);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const d = await readIonSwitchingTest(dir);
      expect(d.nRows).toBe(20);
      expect(err.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/test\.csv \(row 21\): warning: the file does not end with a newline/));
    } finally {
      err.mockRestore();
    }
  });
});

describe('readCsvHeader', () => {
  it('reads the header only, including quoted names', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-csvh-'));
    try {
      const f = path.join(dir, 'h.csv');
      fs.writeFileSync(f, '"a,1",b,c\r\n1,2,3\n');
      expect(await readCsvHeader(f)).toEqual(['a,1', 'b', 'c']);
      fs.writeFileSync(f, 'only,header');
      expect(await readCsvHeader(f)).toEqual(['only', 'header']);
      fs.writeFileSync(f, `${'x'.repeat(70000)},y\n1,2\n`);
      expect((await readCsvHeader(f))[1]).toBe('y');
      await expect(readCsvHeader(path.join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: file not found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
