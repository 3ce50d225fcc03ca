/**
 * Train-step benchmark of @repro/layers' Conv1D on the seed-002 WaveNet
 * feature extractor (Ion Switching): per wave block Conv1D(f, 1) -> res; for
 * each dilation 2^i, i < n: tanh Conv1D(f, 3, 2^i, same) * sigmoid
 * Conv1D(f, 3, 2^i, same) -> Conv1D(f, 1) -> res += ; blocks (8,3,12),
 * (16,3,8), (32,3,4), (64,3,1) (81,510 params with the head) on [B, 2000, 1],
 * global average pooling + Dense(6, softmax), KL-divergence loss, Adam.
 *
 *   npx tsx tools/bench/conv.bench.ts --backend wasm            # wasm, batches 8 and 32
 *   npx tsx tools/bench/conv.bench.ts --backend wasm,cpu --batches 8
 *   npx tsx tools/bench/conv.bench.ts --backend wasm --no-torch
 *   npx tsx tools/bench/conv.bench.ts --backend wasm,wasm-shared-clone
 *
 * 'wasm-shared-clone' is wasm after shareCloneBuffersOnWasm() (opt-in: tf.clone
 * shares the buffer instead of copying, so the tape's saved inputs are not
 * stored twice).
 *
 * Times one train step (model.trainOnBatch, data already on the backend):
 * median of --repeats (3) after one warm-up. Peak memory: process RSS sampled
 * every 50 ms by a worker thread (the main thread is blocked while a step
 * runs) plus the kernel's high-water mark VmHWM, and for wasm the size of the
 * wasm heap (it only grows, so its final size is its peak; 4 GiB maximum).
 * The cpu backend runs batch 8 only, and is skipped when its warm-up step
 * exceeds --cpu-limit seconds (60). Then runs tools/bench/conv_torch.py with
 * Debian's /usr/bin/python3 (torch.set_num_threads(2)) on the same shapes and
 * prints the ratios. Each backend runs in its own child process so RSS peaks
 * are not shared.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { initBackend, tf } from '../../libs/layers/src/backend';
import { conv1d, shareCloneBuffersOnWasm } from '../../libs/layers/src/conv';
import { startRssSampler, vmHwm, wasmHeapBytes } from './memory';

const BLOCKS: [number, number, number][] = [
  [8, 3, 12],
  [16, 3, 8],
  [32, 3, 4],
  [64, 3, 1],
];
const LENGTH = 2000;

interface Args {
  backends: string[];
  batches: number[];
  repeats: number;
  cpuLimitS: number;
  torch: boolean;
  child: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
  };
  return {
    backends: get('backend', 'wasm').split(','),
    batches: get('batches', '8,32').split(',').map(Number),
    repeats: Number(get('repeats', '3')),
    cpuLimitS: Number(get('cpu-limit', '60')),
    torch: !argv.includes('--no-torch'),
    child: argv.includes('--child'),
  };
}

export function buildWaveNet(): tf.LayersModel {
  const input = tf.input({ shape: [LENGTH, 1] });
  let x = input as tf.SymbolicTensor;
  for (const [f, k, n] of BLOCKS) {
    x = conv1d({ filters: f, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
    let res = x;
    for (let i = 0; i < n; i++) {
      const d = 2 ** i;
      const t = conv1d({ filters: f, kernelSize: k, dilationRate: d, padding: 'same', activation: 'tanh' }).apply(x) as tf.SymbolicTensor;
      const s = conv1d({ filters: f, kernelSize: k, dilationRate: d, padding: 'same', activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.multiply().apply([t, s]) as tf.SymbolicTensor;
      x = conv1d({ filters: f, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
      res = tf.layers.add().apply([res, x]) as tf.SymbolicTensor;
    }
    x = res;
  }
  const pooled = tf.layers.globalAveragePooling1d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 6, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

interface Result {
  backend: string;
  batch: number;
  stepMedianS?: number;
  stepsS?: number[];
  peakRssMiB?: number;
  vmHwmMiB?: number;
  wasmHeapMiB?: number;
  skipped?: string;
  params?: number;
}

const MiB = 1024 * 1024;

async function runBackend(backend: string, args: Args): Promise<Result[]> {
  const shared = backend === 'wasm-shared-clone';
  const info = await initBackend({ backend: (shared ? 'wasm' : backend) as 'wasm' | 'cpu' | 'tensorflow', log: null });
  if (shared && !shareCloneBuffersOnWasm()) throw new Error('shareCloneBuffersOnWasm failed');
  const model = buildWaveNet();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'kullbackLeiblerDivergence' });
  const params = model.countParams();
  const results: Result[] = [];
  const batches = backend === 'cpu' ? args.batches.filter((b) => b === 8).slice(0, 1) : args.batches;
  for (const batch of batches) {
    const x = tf.randomNormal([batch, LENGTH, 1], 0, 1, 'float32', 1);
    const y = tf.softmax(tf.randomNormal([batch, 6], 0, 1, 'float32', 2));
    const sampler = startRssSampler();
    const step = async () => {
      const t0 = performance.now();
      await model.trainOnBatch(x, y);
      return (performance.now() - t0) / 1000;
    };
    const warm = await step();
    if (backend === 'cpu' && warm > args.cpuLimitS) {
      await sampler.stop();
      results.push({ backend, batch, skipped: `warm-up step took ${warm.toFixed(1)} s > ${args.cpuLimitS} s`, params });
      tf.dispose([x, y]);
      continue;
    }
    const steps: number[] = [];
    const tensors0 = tf.memory().numTensors;
    for (let i = 0; i < args.repeats; i++) steps.push(await step());
    if (tf.memory().numTensors !== tensors0) console.error(`warning: tensor count grew ${tensors0} -> ${tf.memory().numTensors}`);
    const peak = await sampler.stop();
    const sorted = [...steps].sort((a, b) => a - b);
    results.push({
      backend: `${backend} (${info.device})`,
      batch,
      stepMedianS: sorted[Math.floor(sorted.length / 2)],
      stepsS: steps,
      peakRssMiB: peak / MiB,
      vmHwmMiB: vmHwm() / MiB,
      wasmHeapMiB: wasmHeapBytes() !== undefined ? wasmHeapBytes()! / MiB : undefined,
      params,
    });
    tf.dispose([x, y]);
  }
  model.dispose();
  return results;
}

function runTorch(batches: number[]): { batch: number; stepMedianS: number }[] {
  const script = path.join(__dirname, 'conv_torch.py');
  const r = spawnSync('/usr/bin/python3', [script, '--batches', batches.join(','), '--threads', '2'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`conv_torch.py failed (${r.status}): ${r.stderr}`);
    return [];
  }
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const res = await runBackend(args.backends[0], args);
    process.stdout.write(`RESULT ${JSON.stringify(res)}\n`);
    return;
  }
  console.log(`load before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
  const all: Result[] = [];
  for (const backend of args.backends) {
    // A child per backend so each one's RSS peak is its own.
    const childArgs = [...process.execArgv, __filename, '--child', '--backend', backend, '--batches', args.batches.join(','), '--repeats', String(args.repeats), '--cpu-limit', String(args.cpuLimitS)];
    const r = spawnSync(process.execPath, childArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) {
      console.error(`${backend}: child failed with status ${r.status} signal ${r.signal}\n${r.stdout.slice(-2000)}`);
      all.push({ backend, batch: NaN, skipped: `child failed (status ${r.status}, signal ${r.signal})` });
      continue;
    }
    all.push(...(JSON.parse(line.slice(7)) as Result[]));
  }
  const torch = args.torch ? runTorch(args.batches) : [];
  console.log(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`\nWaveNet extractor (${all.find((r) => r.params)?.params ?? '?'} params), input [B, ${LENGTH}, 1], Adam, KL loss; median of ${args.repeats} steps after 1 warm-up`);
  console.log('| backend | batch | step s (median) | steps s | peak RSS MiB (sampled) | VmHWM MiB | wasm heap MiB | torch s | tfjs/torch |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of all) {
    const t = torch.find((q) => q.batch === r.batch);
    const f = (v: number | undefined, d = 2) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));
    if (r.skipped) {
      console.log(`| ${r.backend} | ${r.batch} | skipped: ${r.skipped} | | | | | ${f(t?.stepMedianS)} | |`);
      continue;
    }
    console.log(
      `| ${r.backend} | ${r.batch} | ${f(r.stepMedianS)} | ${r.stepsS!.map((s) => s.toFixed(2)).join(', ')} | ${f(r.peakRssMiB, 0)} | ${f(r.vmHwmMiB, 0)} | ${f(r.wasmHeapMiB, 0)} | ${f(t?.stepMedianS)} | ${t ? (r.stepMedianS! / t.stepMedianS).toFixed(1) + 'x' : '-'} |`,
    );
  }
}

if (require.main === module) void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
