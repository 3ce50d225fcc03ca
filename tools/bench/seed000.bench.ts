/**
 * Train-step benchmark of seed 000's CnnGRUTransformerWave (Ion Switching,
 * solutions/ion-switching/src/model.ts) at the seed's widths on
 * [B, 4000, 19] (B = 16 by default), categorical cross-entropy (Keras
 * semantics, @repro/layers), Adam (lr 1e-3), next to the same architecture
 * in PyTorch CPU (tools/bench/seed000_torch.py, Debian's /usr/bin/python3,
 * torch.set_num_threads(2)).
 *
 *   npx tsx tools/bench/seed000.bench.ts --backend wasm --batch 16
 *   npx tsx tools/bench/seed000.bench.ts --backend wasm,cpu --batch 16,4
 *   npx tsx tools/bench/seed000.bench.ts --backend wasm --batch 4 --no-torch
 *   npx tsx tools/bench/seed000.bench.ts --backend wasm --batch 16 --micro 1 --repeats 1
 *
 * --micro M: a step of batch B runs B/M micro-batches of M and sums their
 * gradients before one Adam update, as trainModel's accumulateSteps does (the
 * wasm heap cannot hold B = 16 at once); PyTorch still runs the whole batch.
 *
 * Times one train step (model.trainOnBatch, data already on the backend):
 * one warm-up step, then up to --repeats (3) steps, stopping early once a step
 * takes more than --max-step (60) s; the median is reported with the number of
 * steps it is over. Peak memory: process RSS sampled every 50 ms by a worker
 * thread, the kernel's VmHWM, and the wasm heap size (it only grows). Each
 * backend runs in its own child process (own RSS peak). The cpu backend is
 * skipped (child killed) when its model build plus warm-up step exceeds
 * --cpu-limit (120) s. Load averages before and after are printed: other
 * processes share the cores.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { categoricalCrossentropy, initBackend, tf } from '../../libs/layers/src';
import { buildCnnGruTransformerWave, trainableParamCount } from '../../solutions/ion-switching/src/model';
import { startRssSampler, vmHwm, wasmHeapBytes } from './memory';

const LENGTH = 4000;
const FEATURES = 19;
const CLASSES = 11;
const MiB = 1024 * 1024;

interface Args {
  backends: string[];
  batches: number[];
  repeats: number;
  maxStepS: number;
  cpuLimitS: number;
  torch: boolean;
  child: boolean;
  micro: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
  };
  const batches = get('batch', get('batches', '16')).split(',').map(Number);
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new Error(`--batch: expected positive integers, received ${get('batch', '')}`);
  return {
    backends: get('backend', 'wasm').split(','),
    batches,
    repeats: Number(get('repeats', '3')),
    maxStepS: Number(get('max-step', '60')),
    cpuLimitS: Number(get('cpu-limit', '120')),
    torch: !argv.includes('--no-torch'),
    child: argv.includes('--child'),
    micro: Number(get('micro', '0')),
  };
}

interface Result {
  backend: string;
  batch: number;
  micro?: number;
  stepMedianS?: number;
  stepsS?: number[];
  warmS?: number;
  buildS?: number;
  peakRssMiB?: number;
  vmHwmMiB?: number;
  wasmHeapMiB?: number;
  skipped?: string;
  params?: number;
  trainable?: number;
}

async function runBackend(backend: string, args: Args): Promise<Result[]> {
  const info = await initBackend({ backend: backend as 'wasm' | 'cpu' | 'tensorflow', log: null });
  const t0 = performance.now();
  const model = buildCnnGruTransformerWave({ seqLen: LENGTH, nFeatures: FEATURES, nClasses: CLASSES, seed: 0 });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: categoricalCrossentropy() as unknown as string });
  const buildS = (performance.now() - t0) / 1000;
  const params = model.countParams();
  const trainable = trainableParamCount(model);
  const results: Result[] = [];
  for (const batch of args.batches) {
    const x = tf.randomNormal([batch, LENGTH, FEATURES], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.randomUniform([batch, LENGTH], 0, CLASSES, 'int32', 2), CLASSES).toFloat();
    const sampler = startRssSampler();
    const micro = args.micro > 0 ? Math.min(args.micro, batch) : batch;
    if (batch % micro !== 0) throw new Error(`--micro ${micro} must divide --batch ${batch}`);
    const opt = tf.train.adam(1e-3);
    const loss = categoricalCrossentropy();
    const vars = () => model.trainableWeights.map((w) => w.read() as tf.Variable);
    // Sum of micro-batch gradients, then one update: the same arithmetic as trainModel's accumulateSteps.
    const accumulatedStep = async () => {
      let acc: tf.NamedTensorMap | undefined;
      for (let i = 0; i < batch; i += micro) {
        const { value, grads } = tf.variableGrads(() => {
          const xs = x.slice([i, 0, 0], [micro, LENGTH, FEATURES]);
          const ys = y.slice([i, 0, 0], [micro, LENGTH, CLASSES]);
          return loss(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar;
        }, vars());
        await value.data();
        value.dispose();
        if (!acc) acc = grads;
        else {
          const prev: tf.NamedTensorMap = acc;
          acc = Object.fromEntries(Object.keys(prev).map((k) => [k, tf.add(prev[k], grads[k])]));
          tf.dispose([...Object.values(prev), ...Object.values(grads)]);
        }
      }
      const g = acc!;
      const scaled = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, tf.div(v, batch / micro)]));
      tf.dispose(Object.values(g));
      opt.applyGradients(scaled);
      tf.dispose(Object.values(scaled));
    };
    const step = async () => {
      const s0 = performance.now();
      if (micro < batch) await accumulatedStep();
      else await model.trainOnBatch(x, y);
      return (performance.now() - s0) / 1000;
    };
    const warm = await step();
    process.stderr.write(`[seed000] ${backend} batch ${batch}: warm-up step ${warm.toFixed(1)} s\n`);
    const steps: number[] = [];
    const tensors0 = tf.memory().numTensors;
    for (let i = 0; i < args.repeats; i++) {
      steps.push(await step());
      process.stderr.write(`[seed000] ${backend} batch ${batch}: step ${steps[i].toFixed(1)} s\n`);
      if (steps[i] > args.maxStepS) break;
    }
    if (tf.memory().numTensors !== tensors0) console.error(`warning: tensor count grew ${tensors0} -> ${tf.memory().numTensors}`);
    const peak = await sampler.stop();
    const sorted = [...steps].sort((a, b) => a - b);
    results.push({
      backend: `${backend} (${info.device})`,
      batch,
      micro,
      stepMedianS: sorted[Math.floor(sorted.length / 2)],
      stepsS: steps,
      warmS: warm,
      buildS,
      peakRssMiB: peak / MiB,
      vmHwmMiB: vmHwm() / MiB,
      wasmHeapMiB: wasmHeapBytes() !== undefined ? wasmHeapBytes()! / MiB : undefined,
      params,
      trainable,
    });
    tf.dispose([x, y]);
  }
  model.dispose();
  return results;
}

interface TorchResult {
  batch: number;
  stepMedianS: number;
  stepsS: number[];
  params: number;
  paramsWithBnStats: number;
  torch: string;
}

function runTorch(args: Args): TorchResult[] {
  const script = path.join(__dirname, 'seed000_torch.py');
  const r = spawnSync(
    '/usr/bin/python3',
    [script, '--batches', args.batches.join(','), '--threads', '2', '--repeats', String(args.repeats), '--max-step-s', String(args.maxStepS)],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) {
    console.error(`seed000_torch.py failed (${r.status}): ${r.stderr || r.error}`);
    return [];
  }
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TorchResult);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const res = await runBackend(args.backends[0], args);
    process.stdout.write(`RESULT ${JSON.stringify(res)}\n`);
    return;
  }
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load before: ${load()} (${os.cpus().length} cores)`);
  const all: Result[] = [];
  for (const backend of args.backends) {
    const childArgs = [
      ...process.execArgv, __filename, '--child', '--backend', backend, '--batch', args.batches.join(','),
      '--repeats', String(args.repeats), '--max-step', String(args.maxStepS), '--micro', String(args.micro),
    ];
    // cpu: build + warm-up must fit in --cpu-limit, otherwise it is not worth timing (kill it).
    const timeout = backend === 'cpu' ? args.cpuLimitS * 1000 : undefined;
    const r = spawnSync(process.execPath, childArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26, timeout, killSignal: 'SIGKILL' });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) {
      const why = backend === 'cpu' && r.signal === 'SIGKILL'
        ? `one train step takes more than ${args.cpuLimitS} s (killed at ${args.cpuLimitS} s)`
        : `child failed (status ${r.status}, signal ${r.signal})${backend === 'wasm' ? '; a wasm Aborted() here is the 4 GiB wasm heap running out (batch 1 needs ~2.4 GiB)' : ''}`;
      console.error(`${backend}: ${why}`);
      for (const batch of args.batches) all.push({ backend, batch, skipped: why });
      continue;
    }
    all.push(...(JSON.parse(line.slice(7)) as Result[]));
  }
  const torch = args.torch ? runTorch(args) : [];
  console.log(`load after: ${load()}`);
  const ours = all.find((r) => r.params);
  console.log(
    `\nseed-000 CnnGRUTransformerWave, input [B, ${LENGTH}, ${FEATURES}], categorical cross-entropy, Adam; ` +
      `warm-up 1, median of up to ${args.repeats} steps (fewer once a step > ${args.maxStepS} s)`,
  );
  console.log(
    `params: ours ${ours?.trainable ?? '?'} trainable / ${ours?.params ?? '?'} total; ` +
      `torch ${torch[0]?.params ?? '?'} trainable / ${torch[0]?.paramsWithBnStats ?? '?'} with BN stats (torch ${torch[0]?.torch ?? '-'}, 2 threads)`,
  );
  console.log('| backend | batch (micro) | step s (median) | steps s | warm-up s | peak RSS MiB (sampled) | VmHWM MiB | wasm heap MiB | torch s | ours/torch |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const f = (v: number | undefined, d = 2) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));
  for (const r of all) {
    const t = torch.find((q) => q.batch === r.batch);
    if (r.skipped) {
      console.log(`| ${r.backend} | ${r.batch} | skipped: ${r.skipped} | | | | | | ${f(t?.stepMedianS)} | |`);
      continue;
    }
    console.log(
      `| ${r.backend} | ${r.batch}${r.micro && r.micro < r.batch ? ` (${r.batch / r.micro} x ${r.micro})` : ''} | ${f(r.stepMedianS)} (n=${r.stepsS!.length}) | ${r.stepsS!.map((s) => s.toFixed(2)).join(', ')} | ${f(r.warmS)} | ` +
        `${f(r.peakRssMiB, 0)} | ${f(r.vmHwmMiB, 0)} | ${f(r.wasmHeapMiB, 0)} | ${f(t?.stepMedianS)} | ${t ? (r.stepMedianS! / t.stepMedianS).toFixed(1) + 'x' : '-'} |`,
    );
  }
  for (const t of torch) console.log(`torch batch ${t.batch}: steps ${t.stepsS.map((s) => s.toFixed(2)).join(', ')} s`);
}

if (require.main === module) {
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
