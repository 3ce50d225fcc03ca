/**
 * One training step of each model family on every TensorFlow.js backend that loads, next to
 * PyTorch CPU (tools/bench/backends_torch.py) measured in the same run, with the ratio of each
 * backend's step time to wasm's and to PyTorch's.
 *
 *   npx tsx tools/bench/backends.bench.ts                                  # --scale small, every backend
 *   npx tsx tools/bench/backends.bench.ts --scale kaggle --backend webgpu,wasm --out /tmp/backends.json
 *   npx tsx tools/bench/backends.bench.ts --family moa,efficientnet --backend wasm,cpu --repeats 5
 *   npx nx run tools:bench-backends --scale small --out /tmp/backends.json
 *
 * Families, each built with its solution's own builder, loss and optimizer:
 *   wavenet       seed-002 WaveNet (solutions/hms-wavenet/src/model.ts buildModel) on [B, steps, 8]; the
 *                 solution's fitRecipe: Keras KL divergence, Keras Adam (lrs[0]).
 *   ion           seed-000 CnnGRUTransformerWave (solutions/ion-switching/src/train.ts buildMember, member
 *                 'cgtw') on [B, length, 19]; categorical cross-entropy, Keras Adam (epochLrs[0]). The solution
 *                 wraps Adam in SWA; SWA averages the weights every 10th step only and is left out here.
 *   moa           seed-001 two-head dense net (solutions/moa/src/models/dense.ts via memberTraining('dense')) on
 *                 [B, 60] + [B, 887] -> 206 (887 = 872 features + 15 row statistics, the Kaggle data's
 *                 width); binary cross-entropy with label smoothing, Keras Adam with decay.
 *   efficientnet  EfficientNet-B0 (solutions/hms-efficientnet/src/model.ts buildModel, libs/layers
 *                 efficientNet.ts) on [B, 4 * tileHeight, tileWidth, 3]; KL divergence on log-softmax logits,
 *                 AdamW (maxLr / divFactor, weight decay) and clipByGlobalNorm(clipNorm), as its train.ts.
 *
 * --scale kaggle reads the batch and input shapes from each solution's configs/kaggle.json (wavenet
 * [32, 2000, 8], ion [16, 4000, 19], moa [128, 60 + 887], efficientnet [8, 512, 256, 3]); --scale small
 * (the default) keeps every layer's width and shrinks only batch and length (see SMALL) so all four
 * families on wasm, cpu, webgpu on a software adapter and PyTorch fit in a few minutes on 2 cores.
 *
 * Per (family, backend) a child process (own peak RSS; a crash, wasm heap abort or OOM kill costs
 * only that row, reported with its reason; a backend that fails to initialise is not tried again
 * for the later families). In the child: initBackend, build, one warm-up step, then up to
 * --repeats steps (default 5 small, 3 kaggle; fewer once a step exceeds --max-step s, default 60);
 * the median is reported. A step is tf.variableGrads of the loss (plus the model's regularisation
 * losses), clipping where the solution clips, then applyGradients, as trainModel's; it ends when
 * the loss and the last weight have been read back (await data(), so webgpu's queued work is
 * inside the time). Peak RSS is the child's VmHWM; for webgpu that is host memory only, and
 * tf.memory().numBytesAllocatedInGPU after the last step goes to the JSON as gpuAllocatedMiB.
 * Each child must finish within --timeout s (default 300 small, 1800 kaggle), or it is killed and
 * reported. The warm-up loss is printed: the tfjs backends build the same seeded weights and data,
 * so it should agree between them (PyTorch's initialisation differs).
 *
 * At --scale small the steps are short and the ratios mostly compare per-kernel overhead (the
 * webgpu dispatches, the JS loops of cpu, PyTorch's autograd); they say little about throughput
 * at the recipes' shapes.
 *
 * PyTorch: Debian's /usr/bin/python3 (--python) with python3-torch (+ python3-torchvision for B0),
 * torch.set_num_threads(--torch-threads, 2), one process per family, same shapes, one warm-up step
 * and the median of the same repeats. OMP_WAIT_POLICY=PASSIVE is set unless the environment sets
 * it: on a machine whose cores are busy with other work, OpenMP's spinning workers made 2-thread
 * steps ~10x slower than 1-thread ones. Without torch the tables say 'PyTorch not found'.
 * The TensorFlow.js wasm backend computes on one thread in Node.
 *
 * --out FILE writes every result as JSON (temp file then rename, after each family).
 * Load averages before and after are printed: other processes share the cores.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../libs/io/src/cliArgs';
import { adamW, categoricalCrossentropy, clipByGlobalNorm, initBackend, kerasAdam, klDivWithLogits, tf, type InitBackendOptions, type LossFn } from '../../libs/layers/src';
import { validateConfig as validateEfficientnet, enabledModalities, type HmsEfficientnetConfig } from '../../solutions/hms-efficientnet/src/config';
import { N_CHAINS } from '../../solutions/hms-efficientnet/src/features';
import { buildModel as buildEfficientnet, inputChannels } from '../../solutions/hms-efficientnet/src/model';
import { validateConfig as validateWavenet, type HmsWavenetConfig } from '../../solutions/hms-wavenet/src/config';
import { buildModel as buildWavenet, N_CHANNELS, N_CLASSES as HMS_CLASSES } from '../../solutions/hms-wavenet/src/model';
import { fitRecipe } from '../../solutions/hms-wavenet/src/train';
import { featureCount, validateConfig as validateIon, type IonSwitchingConfig } from '../../solutions/ion-switching/src/config';
import { resolveWidths, trainableParamCount } from '../../solutions/ion-switching/src/model';
import { buildMember, epochLrs } from '../../solutions/ion-switching/src/train';
import { validateConfig as validateMoa, type MoaConfig } from '../../solutions/moa/src/config';
import { SEED001_DENSE } from '../../solutions/moa/src/models/dense';
import { buildMemberModel, memberTraining } from '../../solutions/moa/src/models';
import { vmHwm, wasmHeapBytes } from './memory';

const ROOT = path.resolve(__dirname, '../..');
const MiB = 1024 * 1024;
const FAMILIES = ['wavenet', 'ion', 'moa', 'efficientnet'] as const;
type Family = (typeof FAMILIES)[number];
/** wasm first: the reference the other backends are divided by. */
const ALL_BACKENDS = ['wasm', 'cpu', 'webgpu', 'tensorflow'] as const;
type Backend = NonNullable<InitBackendOptions['backend']>;
const ION_CLASSES = 11;

/**
 * --scale small: batch and length per family (every layer keeps the recipe's width). EfficientNet
 * gets 128 x 64 (a quarter of the recipe's 512 x 256 per side), not smaller: at 64 x 32 and batch 1
 * the last stage's feature map is 2 x 1 and its training-mode BatchNorms normalise 2 values per
 * channel, which amplifies rounding until the backends' warm-up losses differ by 10%.
 */
const SMALL = {
  wavenet: { batch: 1, steps: 200 },
  ion: { batch: 1, length: 160 },
  moa: { batch: 32 },
  efficientnet: { batch: 1, height: 128, width: 64 },
};

// ---- family specs: everything the child and the PyTorch script need ---------------------------

interface WavenetSpec {
  family: 'wavenet';
  batch: number;
  steps: number;
  blocks: [number, number, number][];
  headUnits: number;
  lr: number;
}
interface IonSpec {
  family: 'ion';
  batch: number;
  length: number;
  features: number;
  fold: number;
  dropout: number;
  widths: Record<string, unknown>;
  lr: number;
}
interface MoaSpec {
  family: 'moa';
  batch: number;
  input1: number;
  input2: number;
  outputs: number;
  widths1: number[];
  widths2: number[];
  tailWidth: number;
  dropout1: number;
  dropout2: number;
  labelSmoothing: number;
  lr: number;
}
interface EfficientnetSpec {
  family: 'efficientnet';
  batch: number;
  height: number;
  width: number;
  channels: number;
  variant: string;
  dropRate: number;
  dropConnectRate: number;
  bnMomentum: number;
  lr: number;
  weightDecay: number;
  clipNorm: number;
}
type Spec = WavenetSpec | IonSpec | MoaSpec | EfficientnetSpec;

function solutionDir(name: string): string {
  return path.join(ROOT, 'solutions', name);
}

function kaggleConfig<T>(solution: string, validate: (c: T, file: string) => T): T {
  const dir = solutionDir(solution);
  return validate(loadConfig<T>(dir, 'kaggle'), path.join(dir, 'configs', 'kaggle.json'));
}

function specFor(family: Family, scale: 'small' | 'kaggle'): Spec {
  const small = scale === 'small';
  switch (family) {
    case 'wavenet': {
      const c = kaggleConfig<HmsWavenetConfig>('hms-wavenet', validateWavenet);
      return {
        family,
        batch: small ? SMALL.wavenet.batch : c.train.batchSize,
        steps: small ? SMALL.wavenet.steps : Math.floor(c.signal.windowRows / c.signal.downsample),
        blocks: c.model.blocks,
        headUnits: c.model.headUnits,
        lr: c.train.lrs[0],
      };
    }
    case 'ion': {
      const c = kaggleConfig<IonSwitchingConfig>('ion-switching', validateIon);
      const m = c.members.cgtw;
      return {
        family,
        batch: small ? SMALL.ion.batch : c.train.batchSize,
        length: small ? SMALL.ion.length : c.sequence.length,
        features: featureCount(c),
        fold: c.sequence.fold,
        dropout: m.dropout,
        widths: { ...resolveWidths(m.widths) },
        lr: epochLrs(c.train)[0],
      };
    }
    case 'moa': {
      const c = kaggleConfig<MoaConfig>('moa', validateMoa);
      const d = c.dense;
      return {
        family,
        batch: small ? SMALL.moa.batch : d.batchSize,
        input1: d.pcaGenes + d.pcaCells,
        input2: SEED001_DENSE.input2Dim,
        outputs: SEED001_DENSE.outputDim,
        widths1: d.widths1,
        widths2: d.widths2,
        tailWidth: d.tailWidth,
        dropout1: d.dropout1,
        dropout2: d.dropout2,
        labelSmoothing: d.labelSmoothing,
        lr: d.learningRate,
      };
    }
    case 'efficientnet': {
      const c = kaggleConfig<HmsEfficientnetConfig>('hms-efficientnet', validateEfficientnet);
      return {
        family,
        batch: small ? SMALL.efficientnet.batch : c.train.batchSize,
        height: small ? SMALL.efficientnet.height : N_CHAINS * c.inputs.tileHeight,
        width: small ? SMALL.efficientnet.width : enabledModalities(c.inputs).length * c.inputs.tileWidth,
        channels: inputChannels(c.inputs.positionChannel, c.inputs.imageChannels),
        variant: c.model.variant,
        dropRate: c.model.dropRate,
        dropConnectRate: c.model.dropConnectRate,
        bnMomentum: c.model.bnMomentum,
        lr: c.train.maxLr / c.train.divFactor,
        weightDecay: c.train.weightDecay,
        clipNorm: c.train.clipNorm,
      };
    }
  }
}

function describe(s: Spec): string {
  switch (s.family) {
    case 'wavenet':
      return `seed-002 WaveNet (hms-wavenet), input [${s.batch}, ${s.steps}, ${N_CHANNELS}], KL divergence, Adam`;
    case 'ion':
      return `seed-000 CnnGRUTransformerWave (ion-switching), input [${s.batch}, ${s.length}, ${s.features}], categorical cross-entropy, Adam`;
    case 'moa':
      return `MoA seed-001 dense, inputs [${s.batch}, ${s.input1}] + [${s.batch}, ${s.input2}] -> ${s.outputs}, BCE (smoothing ${s.labelSmoothing}), Adam`;
    case 'efficientnet':
      return `EfficientNet-${s.variant.toUpperCase()} (hms-efficientnet), input [${s.batch}, ${s.height}, ${s.width}, ${s.channels}], KL divergence on logits, AdamW, clip ${s.clipNorm}`;
  }
}

// ---- child: one family on one backend --------------------------------------------------------

interface Built {
  model: tf.LayersModel;
  xs: tf.Tensor[];
  y: tf.Tensor;
  loss: LossFn;
  optimizer: tf.Optimizer;
  clipNorm?: number;
  trainable: number;
}

function build(s: Spec): Built {
  switch (s.family) {
    case 'wavenet': {
      const model = buildWavenet({ blocks: s.blocks, headUnits: s.headUnits, steps: s.steps, seed: 0 });
      const recipe = fitRecipe([s.lr]);
      const xs = [tf.randomNormal([s.batch, s.steps, N_CHANNELS], 0, 1, 'float32', 1)];
      const y = tf.softmax(tf.randomNormal([s.batch, HMS_CLASSES], 0, 1, 'float32', 2));
      return { model, xs, y, loss: recipe.loss, optimizer: recipe.optimizer(), trainable: trainableParamCount(model) };
    }
    case 'ion': {
      const c = kaggleConfig<IonSwitchingConfig>('ion-switching', validateIon);
      const config: IonSwitchingConfig = { ...c, sequence: { ...c.sequence, length: s.length } };
      const model = buildMember(config, 'cgtw', s.features, 0);
      const xs = [tf.randomNormal([s.batch, s.length, s.features], 0, 1, 'float32', 1)];
      const y = tf.tidy(() => tf.oneHot(tf.randomUniform([s.batch, s.length], 0, ION_CLASSES, 'int32', 2), ION_CLASSES).toFloat());
      return { model, xs, y, loss: categoricalCrossentropy(), optimizer: kerasAdam({ learningRate: s.lr }), trainable: trainableParamCount(model) };
    }
    case 'moa': {
      const config = kaggleConfig<MoaConfig>('moa', validateMoa);
      const model = buildMemberModel('dense', config, [[s.input1], [s.input2]], s.outputs, 0);
      const t = memberTraining('dense', config, () => model, 1, config.dense.epochs);
      const xs = [tf.randomNormal([s.batch, s.input1], 0, 1, 'float32', 1), tf.randomNormal([s.batch, s.input2], 0, 1, 'float32', 2)];
      // ~1% positives, as MoA's sparse targets.
      const y = tf.tidy(() => tf.less(tf.randomUniform([s.batch, s.outputs], 0, 1, 'float32', 3), 0.01).toFloat());
      return { model, xs, y, loss: t.loss, optimizer: t.optimizer(), trainable: trainableParamCount(model) };
    }
    case 'efficientnet': {
      const c = kaggleConfig<HmsEfficientnetConfig>('hms-efficientnet', validateEfficientnet);
      const model = buildEfficientnet(c.model, s.height, s.width, 0, s.channels);
      const xs = [tf.randomNormal([s.batch, s.height, s.width, s.channels], 0, 1, 'float32', 1)];
      const y = tf.softmax(tf.randomNormal([s.batch, 6], 0, 1, 'float32', 2));
      return {
        model,
        xs,
        y,
        loss: klDivWithLogits(),
        optimizer: adamW({ learningRate: s.lr, weightDecay: s.weightDecay }),
        clipNorm: s.clipNorm,
        trainable: trainableParamCount(model),
      };
    }
  }
}

interface Measured {
  backend: string;
  device: string;
  adapter?: string;
  stepMedianS: number;
  stepsS: number[];
  warmS: number;
  buildS: number;
  loss: number;
  trainable: number;
  vmHwmMiB: number;
  wasmHeapMiB?: number;
  gpuAllocatedMiB?: number;
}

interface ChildArgs {
  backend: string;
  spec: Spec;
  repeats: number;
  maxStepS: number;
}

function emit(tag: 'RESULT' | 'FAILED', v: unknown): void {
  process.stdout.write(`${tag} ${JSON.stringify(v)}\n`);
}

async function runChild(a: ChildArgs): Promise<void> {
  let info: Awaited<ReturnType<typeof initBackend>>;
  try {
    info = await initBackend({ backend: a.backend as Backend, log: null });
  } catch (err) {
    emit('FAILED', { phase: 'init', reason: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    process.exitCode = 1;
    return;
  }
  const adapter = info.adapter?.name;
  const tag = `[backends] ${a.spec.family} ${a.backend}`;
  try {
    const t0 = performance.now();
    const b = build(a.spec);
    const buildS = (performance.now() - t0) / 1000;
    const vars = () => b.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const last = vars()[vars().length - 1];
    const step = async (): Promise<[number, number]> => {
      const s0 = performance.now();
      const { value, grads } = tf.variableGrads(() => {
        const pred = b.model.apply(b.xs.length === 1 ? b.xs[0] : b.xs, { training: true }) as tf.Tensor;
        let l: tf.Tensor = b.loss(b.y, pred);
        for (const r of b.model.calculateLosses()) l = tf.add(l, r);
        return l as tf.Scalar;
      }, vars());
      let g = grads;
      if (b.clipNorm !== undefined) {
        g = clipByGlobalNorm(grads, b.clipNorm).grads;
        tf.dispose(Object.values(grads));
      }
      b.optimizer.applyGradients(g);
      tf.dispose(Object.values(g));
      const lv = (await value.data())[0];
      value.dispose();
      await last.data();
      return [(performance.now() - s0) / 1000, lv];
    };
    const [warmS, loss] = await step();
    process.stderr.write(`${tag}: build ${buildS.toFixed(1)} s, warm-up step ${warmS.toFixed(2)} s, loss ${loss.toFixed(4)}\n`);
    if (!Number.isFinite(loss)) throw new Error(`warm-up loss is ${loss}`);
    const tensors0 = tf.memory().numTensors;
    const steps: number[] = [];
    for (let i = 0; i < a.repeats; i++) {
      steps.push((await step())[0]);
      if (steps[i] > a.maxStepS) break;
    }
    process.stderr.write(`${tag}: steps ${steps.map((s) => s.toFixed(2)).join(', ')} s\n`);
    if (tf.memory().numTensors !== tensors0) process.stderr.write(`${tag}: warning: tensor count grew ${tensors0} -> ${tf.memory().numTensors}\n`);
    // webgpu: the bytes its buffer manager holds on the GPU (used + pooled), after the last step.
    const mem = tf.memory() as { numBytesAllocatedInGPU?: number };
    const sorted = [...steps].sort((x, y) => x - y);
    const heap = wasmHeapBytes();
    const r: Measured = {
      backend: info.backend,
      device: info.device,
      adapter,
      stepMedianS: sorted[Math.floor(sorted.length / 2)],
      stepsS: steps,
      warmS,
      buildS,
      loss,
      trainable: b.trainable,
      vmHwmMiB: vmHwm() / MiB,
      wasmHeapMiB: heap !== undefined ? heap / MiB : undefined,
      gpuAllocatedMiB: mem.numBytesAllocatedInGPU !== undefined ? mem.numBytesAllocatedInGPU / MiB : undefined,
    };
    emit('RESULT', r);
  } catch (err) {
    emit('FAILED', { phase: 'run', reason: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    process.exitCode = 1;
  }
}

// ---- parent ----------------------------------------------------------------------------------

interface Args {
  scale: 'small' | 'kaggle';
  backends: string[];
  families: Family[];
  repeats: number;
  maxStepS: number;
  timeoutS: number;
  torch: boolean;
  torchThreads: number;
  python: string;
  out?: string;
}

function parseArgs(argv: string[]): Args & { child: boolean; spec?: string } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    if (i + 1 >= argv.length) throw new Error(`--${name}: expected a value`);
    return argv[i + 1];
  };
  const list = <T extends string>(name: string, allowed: readonly T[], dflt: readonly T[]): T[] => {
    const v = get(name);
    if (v === undefined) return [...dflt];
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = items.filter((s) => !allowed.includes(s as T));
    if (bad.length || !items.length) throw new Error(`--${name}: expected a comma list of ${allowed.join('|')}, received '${v}'`);
    return items as T[];
  };
  const num = (name: string, dflt: number, min: number): number => {
    const v = get(name);
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: expected a number >= ${min}, received '${v}'`);
    return n;
  };
  const scale = get('scale') ?? 'small';
  if (scale !== 'small' && scale !== 'kaggle') throw new Error(`--scale: expected small|kaggle, received '${scale}'`);
  const repeats = num('repeats', scale === 'small' ? 5 : 3, 1);
  if (!Number.isInteger(repeats)) throw new Error(`--repeats: expected an integer, received ${repeats}`);
  return {
    scale,
    backends: list('backend', ALL_BACKENDS, ALL_BACKENDS),
    families: list('family', FAMILIES, FAMILIES),
    repeats,
    maxStepS: num('max-step', 60, 0),
    timeoutS: num('timeout', scale === 'small' ? 300 : 1800, 1),
    torch: !argv.includes('--no-torch'),
    torchThreads: num('torch-threads', 2, 1),
    python: get('python') ?? '/usr/bin/python3',
    out: get('out'),
    child: argv.includes('--child'),
    spec: get('spec'),
  };
}

interface Row extends Partial<Measured> {
  requested: string;
  failed?: string;
  ratioToWasm?: number;
  ratioToTorch?: number;
}

interface TorchRow {
  stepMedianS?: number;
  stepsS?: number[];
  warmS?: number;
  loss?: number;
  params?: number;
  peakRssMiB?: number;
  torch?: string;
  threads?: number;
  failed?: string;
}

interface FamilyResult {
  family: Family;
  title: string;
  spec: Spec;
  rows: Row[];
  torch: TorchRow;
}

/** Runs one child; its stderr goes to ours as it comes, and its tail is kept for the failure reason. */
function runChildProcess(backend: string, spec: Spec, args: Args): Promise<{ line?: string; status: number | null; signal: string | null; timedOut: boolean; tail: string }> {
  const childArgs = [
    ...process.execArgv, __filename, '--child', '--backend', backend, '--spec', JSON.stringify(spec),
    '--repeats', String(args.repeats), '--max-step', String(args.maxStepS),
  ];
  return new Promise((resolve) => {
    const p = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let tail = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, args.timeoutS * 1000);
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      tail = (tail + d.toString()).slice(-4000);
    });
    p.on('close', (status, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT ') || l.startsWith('FAILED '));
      resolve({ line, status, signal, timedOut, tail });
    });
  });
}

function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines[lines.length - 1].slice(0, 300) : '';
}

const TORCH_SCRIPT = path.join(__dirname, 'backends_torch.py');

/** '' when torch imports, else why not. */
function torchMissing(python: string): string {
  const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return r.error.message;
  return r.status === 0 ? '' : lastLine(r.stderr) || `exit status ${r.status}`;
}

function runTorch(spec: Spec, args: Args): TorchRow {
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  const r = spawnSync(
    args.python,
    [TORCH_SCRIPT, '--spec', JSON.stringify(spec), '--threads', String(args.torchThreads), '--repeats', String(args.repeats), '--max-step-s', String(args.maxStepS)],
    { encoding: 'utf8', env, timeout: args.timeoutS * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 24 },
  );
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  if (line) return JSON.parse(line) as TorchRow;
  const why = r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `killed after ${args.timeoutS} s (--timeout)` : `status ${r.status}, signal ${r.signal}: ${lastLine(r.stderr ?? '')}`;
  return { failed: why };
}

const f2 = (v: number | undefined, d = 2): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const ratio = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`);

function printTable(r: FamilyResult, torchNote: string): void {
  console.log(`\n### ${r.title}`);
  const ours = r.rows.find((x) => x.trainable !== undefined);
  console.log(
    `trainable params: tfjs ${ours?.trainable ?? '?'}, torch ${r.torch.params ?? '?'}; ` +
      `step = forward + backward + optimizer update, after 1 warm-up step; median of n steps`,
  );
  console.log('\n| backend | device / adapter | step s (median, n) | x wasm | x PyTorch CPU | peak RSS MiB | warm-up loss |');
  console.log('|---|---|---|---|---|---|---|');
  const torchRatio = (row: Row) => (r.torch.stepMedianS === undefined ? torchNote : ratio(row.ratioToTorch));
  for (const row of r.rows) {
    if (row.failed) {
      console.log(`| ${row.requested} | failed: ${row.failed} | - | - | - | - | - |`);
      continue;
    }
    const dev = row.adapter && !row.device?.includes(row.adapter) ? `${row.device}; adapter ${row.adapter}` : row.device;
    console.log(
      `| ${row.backend} | ${dev} | ${f2(row.stepMedianS, 3)} (n=${row.stepsS?.length}) | ${ratio(row.ratioToWasm)} | ${torchRatio(row)} | ${f2(row.vmHwmMiB, 0)} | ${f2(row.loss, 4)} |`,
    );
  }
  const t = r.torch;
  if (t.failed) console.log(`| PyTorch CPU | ${torchNote || 'failed: ' + t.failed} | - | - | - | - | - |`);
  else {
    const wasm = r.rows.find((x) => x.requested === 'wasm' && x.stepMedianS !== undefined);
    console.log(
      `| PyTorch CPU | torch ${t.torch}, ${t.threads} threads | ${f2(t.stepMedianS, 3)} (n=${t.stepsS?.length}) | ${ratio(wasm ? t.stepMedianS! / wasm.stepMedianS! : undefined)} | 1.00x | ${f2(t.peakRssMiB, 0)} | ${f2(t.loss, 4)} |`,
    );
  }
}

function writeAtomic(file: string, data: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (args.child) {
    if (!args.spec) throw new Error('--child needs --spec');
    await runChild({ backend: args.backends[0], spec: JSON.parse(args.spec) as Spec, repeats: args.repeats, maxStepS: args.maxStepS });
    return;
  }
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const started = new Date();
  const loadBefore = load();
  const cpu = os.cpus()[0]?.model ?? '?';
  console.log(`backends bench, --scale ${args.scale}, ${started.toISOString()}; ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load before: ${loadBefore}`);
  const missing = args.torch ? torchMissing(args.python) : 'not run (--no-torch)';
  const torchNote = missing ? (args.torch ? 'PyTorch not found' : 'PyTorch not run') : '';
  if (missing) console.log(`${torchNote} (${args.torch ? `${args.python}: ${missing}` : '--no-torch'}); the tables have no PyTorch ratios`);

  const initFailed = new Map<string, string>();
  const results: FamilyResult[] = [];
  const snapshot = (loadAfter?: string) => ({
    date: started.toISOString(),
    scale: args.scale,
    host: { hostname: os.hostname(), cores: os.cpus().length, cpu, memGiB: os.totalmem() / 2 ** 30, loadBefore, loadAfter },
    node: process.version,
    tfjs: tf.version.tfjs,
    repeats: args.repeats,
    maxStepS: args.maxStepS,
    torch: missing ? { missing } : { threads: args.torchThreads, ompWaitPolicy: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' },
    families: results,
  });

  for (const family of args.families) {
    const spec = specFor(family, args.scale);
    const res: FamilyResult = { family, title: describe(spec), spec, rows: [], torch: {} };
    console.error(`[backends] ${res.title}`);
    for (const backend of args.backends) {
      const known = initFailed.get(backend);
      if (known) {
        res.rows.push({ requested: backend, failed: `did not load: ${known}` });
        continue;
      }
      const c = await runChildProcess(backend, spec, args);
      if (c.line?.startsWith('RESULT ')) {
        res.rows.push({ requested: backend, ...(JSON.parse(c.line.slice(7)) as Measured) });
        continue;
      }
      const heapHint = backend === 'wasm' && /abort/i.test(c.line ?? c.tail) ? ' (a wasm Aborted() is usually the 4 GiB wasm heap running out)' : '';
      let why: string;
      if (c.line) {
        const f = JSON.parse(c.line.slice(7)) as { phase: string; reason: string };
        const reason = f.reason.replace(/^no TensorFlow\.js backend could be loaded for '[a-z]+': /, '');
        if (f.phase === 'init') initFailed.set(backend, reason);
        why = f.phase === 'init' ? `did not load: ${reason}` : reason + heapHint;
      } else if (c.timedOut) why = `killed after ${args.timeoutS} s (--timeout)`;
      else if (c.signal === 'SIGKILL') why = `killed (SIGKILL: likely out of memory); last output: ${lastLine(c.tail)}`;
      else why = `child exited (status ${c.status}, signal ${c.signal}): ${lastLine(c.tail)}${heapHint}`;
      res.rows.push({ requested: backend, failed: why });
    }
    res.torch = missing ? { failed: missing } : runTorch(spec, args);
    const wasm = res.rows.find((r) => r.requested === 'wasm' && r.stepMedianS !== undefined)?.stepMedianS;
    for (const r of res.rows) {
      if (r.stepMedianS === undefined) continue;
      if (wasm !== undefined) r.ratioToWasm = r.stepMedianS / wasm;
      if (res.torch.stepMedianS !== undefined) r.ratioToTorch = r.stepMedianS / res.torch.stepMedianS;
    }
    results.push(res);
    printTable(res, torchNote);
    if (args.out) writeAtomic(args.out, snapshot());
  }
  const loadAfter = load();
  console.log(`\nload after: ${loadAfter}. x wasm / x PyTorch CPU: this backend's median step time divided by wasm's / PyTorch's (above 1 = slower).`);
  if (args.out) {
    writeAtomic(args.out, snapshot(loadAfter));
    console.log(`results: ${args.out}`);
  }
}

if (require.main === module) {
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
