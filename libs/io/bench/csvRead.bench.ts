/**
 * Benchmark (not a test): 5,000,000 rows shaped like Ion Switching's
 * train.csv (time,signal,open_channels), written with writeCsv, then read
 * with readCsvColumns in a fresh process so its peak RSS is the reader's own.
 *
 *   npx tsx libs/io/bench/csvRead.bench.ts [rows]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { readCsvColumns, writeCsv } from '../src';

const FILE = '/tmp/repro-io-bench-train.csv';

async function write(rows: number): Promise<void> {
  const time = new Float64Array(rows);
  const signal = new Float32Array(rows);
  const open = new Int32Array(rows);
  let s = 1;
  for (let i = 0; i < rows; i++) {
    time[i] = (i + 1) / 10000;
    s = (s * 1103515245 + 12345) % 2147483648;
    open[i] = s % 11;
    signal[i] = open[i] * 1.23 - 2.7 + ((s >> 8) % 1000) / 1000;
  }
  const t0 = performance.now();
  await writeCsv(FILE, [
    { name: 'time', values: time, format: { fixed: 4 } },
    { name: 'signal', values: signal, format: { fixed: 4 } },
    { name: 'open_channels', values: open, format: 'int' },
  ]);
  const ms = performance.now() - t0;
  console.log(`writeCsv: ${rows} rows, ${(fs.statSync(FILE).size / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(2)} s`);
}

async function read(): Promise<void> {
  const t0 = performance.now();
  const t = await readCsvColumns(FILE, { columns: { time: 'float64', signal: 'float32', open_channels: 'int32' } });
  const ms = performance.now() - t0;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const arraysMb = (t.columns.time.byteLength + t.columns.signal.byteLength + t.columns.open_channels.byteLength) / 1e6;
  console.log(
    `readCsvColumns: ${t.nRows} rows in ${(ms / 1000).toFixed(2)} s (${((fs.statSync(FILE).size / 1e6 / ms) * 1000).toFixed(0)} MB/s); ` +
      `peak RSS ${rssMb.toFixed(0)} MB (columns ${arraysMb.toFixed(0)} MB); last time=${t.columns.time[t.nRows - 1]}`,
  );
}

const [mode, rowsArg] = process.argv.slice(2);
if (mode === '--write') void write(Number(rowsArg));
else if (mode === '--read') void read();
else {
  const rows = Number(mode ?? 5_000_000);
  const self = [require.resolve('tsx/cli'), __filename];
  for (const step of [['--write', String(rows)], ['--read']]) {
    const r = spawnSync(process.execPath, [...self, ...step], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  fs.rmSync(FILE, { force: true });
}
