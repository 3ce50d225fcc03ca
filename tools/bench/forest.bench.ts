/**
 * Benchmark of HistRandomForestClassifier on an Ion-Switching-like problem
 * (11 channel levels + Gaussian noise; features = signal and its ±20
 * lags/leads = 41 columns), optionally against sklearn's RandomForestClassifier.
 *
 *   nx run tools:bench-forest -- --rows=1000000
 *   npx tsx tools/bench/forest.bench.ts --rows 1000000 [--trees 10] [--depth 19]
 *       [--max-features 10] [--jobs 2] [--test-rows N] [--seed 1] [--no-sklearn]
 *
 * Wall times depend on the load of the (shared) machine; the CPU seconds of
 * the fit (all threads) are printed too and are the fairer comparison.
 * sklearn runs only with Debian's /usr/bin/python3 (never the python3 on PATH)
 * and only if it can import sklearn; data go through .npy files in a temp dir.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HistRandomForestClassifier } from '../../libs/features/src/forest';
import { accuracy, makeIonLike, sliceRows } from '../../libs/features/src/forest/synthetic';

const PYTHON = '/usr/bin/python3';

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = 'true';
  }
  return out;
}

function num(args: Record<string, string>, key: string, dflt: number): number {
  if (args[key] === undefined) return dflt;
  const v = Number(args[key].replace(/_/g, ''));
  if (!Number.isFinite(v)) throw new RangeError(`forest.bench: --${key} must be a number (received ${args[key]})`);
  return v;
}

/** Writes a little-endian .npy (format 1.0) file for a Float32Array / Int32Array. */
function writeNpy(file: string, arr: Float32Array | Int32Array, shape: number[]): void {
  const descr = arr instanceof Float32Array ? '<f4' : '<i4';
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, pre);
    fs.writeSync(fd, Buffer.from(header, 'latin1'));
    fs.writeSync(fd, Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
  } finally {
    fs.closeSync(fd);
  }
}

function hasSklearn(): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' });
  return r.status === 0;
}

function loadavg(): string {
  return os.loadavg().map((v) => v.toFixed(2)).join(' ');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rows = Math.round(num(args, 'rows', 1_000_000));
  const testRows = Math.round(num(args, 'test-rows', Math.max(1000, Math.round(rows / 4))));
  const trees = num(args, 'trees', 10);
  const depth = num(args, 'depth', 19);
  const maxFeatures = num(args, 'max-features', 10);
  const jobs = num(args, 'jobs', 2);
  const seed = num(args, 'seed', 1);
  const runSklearn = args['no-sklearn'] === undefined;

  console.log(`forest.bench: ${rows} train rows + ${testRows} test rows x 41 features, 11 classes`);
  console.log(`  trees=${trees} maxDepth=${depth} maxFeatures=${maxFeatures} nJobs=${jobs}; cpus=${os.cpus().length}; loadavg ${loadavg()}`);

  let t = performance.now();
  const { X, y } = makeIonLike(rows + testRows, seed);
  const Xtr = sliceRows(X, 0, rows);
  const ytr = y.slice(0, rows);
  const Xte = sliceRows(X, rows, rows + testRows);
  const yte = y.slice(rows);
  console.log(`  data generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const forest = new HistRandomForestClassifier({ nEstimators: trees, maxDepth: depth, maxFeatures, nJobs: jobs, seed });
  const rssBefore = process.memoryUsage().rss;
  t = performance.now();
  const cpu0 = process.cpuUsage();
  await forest.train(Xtr, ytr);
  const fitS = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const fitCpuS = (cpu.user + cpu.system) / 1e6;
  t = performance.now();
  const proba = forest.predictProbability(Xte);
  const predS = (performance.now() - t) / 1000;
  const pred = new Int32Array(testRows);
  for (let r = 0; r < testRows; r++) {
    let b = 0;
    for (let c = 1; c < 11; c++) if (proba[r * 11 + c] > proba[r * 11 + b]) b = c;
    pred[r] = b;
  }
  const acc = accuracy(pred, yte);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const tm = forest.lastTrainTimings!;
  const ours = { fit_s: fitS, fit_cpu_s: fitCpuS, binning_s: tm.binning / 1000, trees_s: tm.trees / 1000, predict_s: predS, accuracy: acc, nodes: forest.nNodes, peak_rss_mb: peakRssMb };
  console.log(
    `hist forest: fit ${fitS.toFixed(2)} s wall / ${fitCpuS.toFixed(2)} s CPU (binning ${(tm.binning / 1000).toFixed(2)} s, trees ${(tm.trees / 1000).toFixed(2)} s), ` +
      `predict ${predS.toFixed(2)} s, accuracy ${acc.toFixed(4)}, nodes ${forest.nNodes}, ` +
      `peak RSS ${peakRssMb.toFixed(0)} MB (RSS before fit ${(rssBefore / 2 ** 20).toFixed(0)} MB); loadavg ${loadavg()}`,
  );

  const result: Record<string, unknown> = { rows, testRows, trees, depth, maxFeatures, jobs, ours };
  if (runSklearn && hasSklearn()) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forest-bench-'));
    try {
      writeNpy(path.join(dir, 'X_train.npy'), Xtr.data, [rows, 41]);
      writeNpy(path.join(dir, 'y_train.npy'), ytr, [rows]);
      writeNpy(path.join(dir, 'X_test.npy'), Xte.data, [testRows, 41]);
      writeNpy(path.join(dir, 'y_test.npy'), yte, [testRows]);
      console.log(`sklearn: running ${PYTHON} tools/bench/forest_sklearn.py (n_jobs=2) ...; loadavg ${loadavg()}`);
      const out = execFileSync(
        PYTHON,
        [path.join(__dirname, 'forest_sklearn.py'), dir, '--trees', String(trees), '--depth', String(depth), '--max-features', String(maxFeatures), '--jobs', '2'],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      const sk = JSON.parse(out.trim().split('\n').pop()!);
      result.sklearn = sk;
      console.log(
        `sklearn ${sk.sklearn}: fit ${sk.fit_s.toFixed(2)} s wall / ${sk.fit_cpu_s.toFixed(2)} s CPU, predict ${sk.predict_s.toFixed(2)} s, accuracy ${sk.accuracy.toFixed(4)}, ` +
          `nodes ${sk.nodes}, peak RSS ${sk.peak_rss_mb.toFixed(0)} MB; loadavg ${loadavg()}`,
      );
      console.log(`ratio ours/sklearn: fit wall ${(fitS / sk.fit_s).toFixed(3)}, fit CPU ${(fitCpuS / sk.fit_cpu_s).toFixed(3)}, predict ${(predS / sk.predict_s).toFixed(3)}, accuracy diff ${(acc - sk.accuracy).toFixed(4)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } else if (runSklearn) {
    console.log(`sklearn: skipped (${PYTHON} with sklearn not available)`);
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
