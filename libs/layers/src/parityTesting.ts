/**
 * For tests: WebGPU vs cpu parity of a layer, model, op, loss or optimizer step. Not exported from
 * the library.
 *
 * The pure-JS cpu backend is the reference. A case runs once on cpu and once on webgpu (the same
 * weight values, copied from the cpu build, and the same seeded inputs), reads every result with
 * `await t.data()`, and compares each tensor with
 *
 *     |webgpu - cpu| <= atol + rtol * max|cpu|        (float32; default atol 1e-4, rtol 1e-3)
 *
 * i.e. an absolute tolerance relative to the tensor's own scale, so a gradient of magnitude 100 may
 * differ by 0.1 but a near-zero entry of it is not judged by its own tiny size. A failure names the
 * case, the tensor (`output`, `d input[0]`, `d weight[3] conv1d_Conv1D1/kernel`, ...), the worst
 * difference, where it is and the tolerance. NaN/Inf on either side fails, as does a gradient that
 * exists on one backend only.
 *
 * Layer cases (`layerParity`): forward output(s), then the gradients of the scalar
 * `sum_k sum(output_k * R_k)` (R_k fixed seeded N(0, 1) tensors of the outputs' shapes) w.r.t. the
 * inputs and every trainable weight, from one `engine.gradients` call (what tf.grads and
 * tf.variableGrads use), and the non-trainable weights after the pass (BatchNorm moving
 * statistics updated in training mode).
 *
 * Other computations (optimizer steps, SWA, clipping) use `parity` directly: a function run once
 * per backend that returns named tensors.
 *
 * The webgpu side also checks that it leaks no tensors (the tensor count after the case, built
 * models disposed, equals the count before it) and raises WebGPU validation errors (a shader that
 * does not compile invalidates its command buffer and every result in it reads as zeros; Dawn
 * would only print the reason). A layer case whose output is all zeros on cpu fails: it would
 * compare nothing.
 *
 * Parity says nothing about a bug both backends share (the same custom gradient on both): that is
 * what the reference-fixture tests next to each layer are for.
 */
import { initBackend, tf } from './backend';
import { SeededRng } from './train/rng';

/** |a - c| <= atol + rtol * max|c|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** The starting float32 tolerance; the default of every case. */
export const PARITY_TOLERANCE: Readonly<Tolerance> = Object.freeze({ atol: 1e-4, rtol: 1e-3 });
/** Ten times tighter: what the cases whose measured differences stay below a tenth of it use. */
export const PARITY_TOLERANCE_TIGHT: Readonly<Tolerance> = Object.freeze({ atol: 1e-5, rtol: 1e-4 });

/** `atol 1e-4, rtol 1e-3`, for test names. */
export function tolName(t: Tolerance): string {
  return `atol ${t.atol.toExponential(0)}, rtol ${t.rtol.toExponential(0)}`;
}

/** A tensor's values on the host. */
export interface HostTensor {
  shape: number[];
  values: Float32Array;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Seeded N(mean, std^2) values (Box-Muller on mulberry32), identical on every backend by construction. */
export function randn(shape: number[], seed: number, std = 1, mean = 0): HostTensor {
  const rng = new SeededRng(seed);
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i += 2) {
    const u1 = Math.max(rng.next(), 1e-12);
    const u2 = rng.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    values[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < values.length) values[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
  }
  return { shape, values };
}

/** Seeded uniform values in [lo, hi). */
export function randu(shape: number[], seed: number, lo = 0, hi = 1): HostTensor {
  const rng = new SeededRng(seed);
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i++) values[i] = lo + (hi - lo) * rng.next();
  return { shape, values };
}

/** Rows of the last axis that are probability vectors (seeded, strictly positive, summing to 1). */
export function randProbs(shape: number[], seed: number): HostTensor {
  const u = randu(shape, seed, 0.05, 1);
  const n = shape[shape.length - 1];
  for (let r = 0; r < u.values.length; r += n) {
    let s = 0;
    for (let j = 0; j < n; j++) s += u.values[r + j];
    for (let j = 0; j < n; j++) u.values[r + j] /= s;
  }
  return u;
}

/** Seeded 0/1 labels. */
export function randBinary(shape: number[], seed: number): HostTensor {
  const u = randu(shape, seed);
  return { shape, values: u.values.map((v) => (v < 0.5 ? 0 : 1)) };
}

export function toTensor(h: HostTensor): tf.Tensor {
  return tf.tensor(h.values, h.shape, 'float32');
}

/** Writes `make()` into the weight `w` (temporaries disposed). */
export function writeWeight(w: tf.LayerVariable, make: () => tf.Tensor): void {
  tf.tidy(() => {
    w.write(make());
  });
}

/** Seeded uniform values in [lo, hi) of a weight's shape. */
export function randuLike(w: tf.LayerVariable, seed: number, lo: number, hi: number): HostTensor {
  return randu(w.shape as number[], seed, lo, hi);
}

async function toHost(t: tf.Tensor): Promise<HostTensor> {
  const d = await t.data();
  return { shape: t.shape.slice(), values: d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>) };
}

/** Outcome of one compared tensor. */
export interface TensorDiff {
  tensor: string;
  /** max |webgpu - cpu|. */
  worst: number;
  /** max |cpu|. */
  scale: number;
  /** atol + rtol * scale. */
  allowed: number;
  ok: boolean;
  /** Why it failed, one line (empty when ok). */
  message: string;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(3) : String(v);
}

function unravel(i: number, shape: number[]): number[] {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Compares webgpu's `got` with cpu's `want`. */
export function compareHost(tensor: string, want: HostTensor | null, got: HostTensor | null, tol: Tolerance): TensorDiff {
  const bad = (message: string): TensorDiff => ({ tensor, worst: Infinity, scale: NaN, allowed: NaN, ok: false, message: `${tensor}: ${message}` });
  if (want === null || got === null) {
    if (want === got) return { tensor, worst: 0, scale: 0, allowed: tol.atol, ok: true, message: '' };
    return bad(`gradient on ${want === null ? 'webgpu' : 'cpu'} only (the other backend returned none)`);
  }
  if (want.shape.join() !== got.shape.join()) return bad(`shape [${got.shape}] on webgpu, [${want.shape}] on cpu`);
  let scale = 0;
  for (const v of want.values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const allowed = tol.atol + tol.rtol * scale;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.values.length; i++) {
    const c = want.values[i];
    const g = got.values[i];
    if (!Number.isFinite(c) || !Number.isFinite(g)) {
      if (Object.is(c, g)) continue; // the same Inf on both sides (never expected, but not a parity failure)
      return bad(`non-finite value at [${unravel(i, want.shape)}]: cpu ${c}, webgpu ${g}`);
    }
    const d = Math.abs(g - c);
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  const ok = worst <= allowed;
  const message = ok
    ? ''
    : `${tensor} [${want.shape}]: worst |webgpu - cpu| = ${fmt(worst)} at [${unravel(at, want.shape)}] (cpu ${fmt(want.values[at])}, webgpu ${fmt(
        got.values[at],
      )}) > allowed ${fmt(allowed)} = atol ${fmt(tol.atol)} + rtol ${fmt(tol.rtol)} * max|cpu| ${fmt(scale)}`;
  return { tensor, worst, scale, allowed, ok, message };
}

/** What {@link parity} and {@link layerParity} return (every tensor's diff), after they passed. */
export interface ParityReport {
  name: string;
  diffs: TensorDiff[];
}

/** Per-case reports, printed by `printParityReport` when PARITY_REPORT=1. */
const reports: ParityReport[] = [];

/** With PARITY_REPORT=1: each case's worst |webgpu - cpu| relative to max|cpu|, to stderr (to choose tolerances). */
export function printParityReport(): void {
  if (process.env.PARITY_REPORT !== '1') return;
  const lines = reports.map((r) => {
    const top = [...r.diffs].sort((a, b) => b.worst / b.allowed - a.worst / a.allowed)[0];
    const worstRel = Math.max(...r.diffs.map((d) => (d.scale > 0 ? d.worst / d.scale : 0)));
    return `${r.name}: worst/allowed ${fmt(top.worst / top.allowed)} (${top.tensor}: |webgpu - cpu| ${fmt(top.worst)}, max|cpu| ${fmt(top.scale)}, allowed ${fmt(
      top.allowed,
    )}); largest |webgpu - cpu| / max|cpu| ${fmt(worstRel)}`;
  });
  process.stderr.write(`[parity] ${lines.length} cases\n${lines.join('\n')}\n`);
  reports.length = 0;
}

interface ErrorScopeDevice {
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
}

/** The GPUDevice of the active tfjs webgpu backend. */
function webgpuDevice(): ErrorScopeDevice | undefined {
  return (tf.backend() as unknown as { device?: ErrorScopeDevice }).device;
}

/** Which backend a {@link parity} computation runs on. */
export type ParityBackend = 'cpu' | 'webgpu';

export interface ParityOptions {
  /** Default {@link PARITY_TOLERANCE}. */
  tolerance?: Tolerance;
  /** Per-tensor tolerance (by the names the computation returns), over `tolerance`. */
  toleranceFor?: (tensor: string) => Tolerance | undefined;
  /** Check that the webgpu run leaves no tensors behind. Default true. */
  checkLeaks?: boolean;
  /** Which tensors must not be all zeros on cpu (layerParity: the outputs). */
  nonZero?: (tensor: string) => boolean;
}

/**
 * Runs `compute` on cpu, then on webgpu, and compares the named tensors it returns (the helper
 * reads and disposes them; `compute` must dispose everything else it makes, models included).
 * Throws one error listing every tensor out of tolerance.
 */
export async function parity(
  name: string,
  compute: (backend: ParityBackend) => Promise<Record<string, tf.Tensor | null>> | Record<string, tf.Tensor | null>,
  options: ParityOptions = {},
): Promise<ParityReport> {
  const tol = options.tolerance ?? PARITY_TOLERANCE;
  const results: Partial<Record<ParityBackend, Record<string, HostTensor | null>>> = {};
  for (const backend of ['cpu', 'webgpu'] as const) {
    await initBackend({ backend, log: null });
    if (tf.getBackend() !== backend) throw new Error(`[webgpu parity] ${name}: backend is '${tf.getBackend()}' after asking for '${backend}'`);
    const before = tf.memory().numTensors;
    // A shader that fails to compile invalidates its whole command buffer: every result submitted
    // with it reads as zeros, and Dawn only prints the reason. Capture it to name it.
    const device = backend === 'webgpu' ? webgpuDevice() : undefined;
    device?.pushErrorScope('validation');
    let failure: unknown;
    try {
      const out = await compute(backend);
      const host: Record<string, HostTensor | null> = {};
      for (const [k, t] of Object.entries(out)) host[k] = t ? await toHost(t) : null;
      tf.dispose(Object.values(out).filter((t): t is tf.Tensor => t !== null));
      results[backend] = host;
    } catch (err) {
      failure = err;
    }
    const gpuError = await device?.popErrorScope();
    if (gpuError) {
      const then = failure ? `; then: ${failure instanceof Error ? failure.message : String(failure)}` : '';
      throw new Error(
        `[webgpu parity] ${name}: WebGPU validation error (the results submitted with it are garbage): ${gpuError.message.split('\n').slice(0, 2).join(' ')}${then}`,
      );
    }
    if (failure) throw failure;
    const after = tf.memory().numTensors;
    if (backend === 'webgpu' && (options.checkLeaks ?? true) && after !== before) {
      throw new Error(`[webgpu parity] ${name}: ${after - before} tensor(s) leaked on webgpu (${before} before the case, ${after} after)`);
    }
  }
  const cpu = results.cpu!;
  const gpu = results.webgpu!;
  const names = Object.keys(cpu);
  const missing = Object.keys(gpu).filter((k) => !(k in cpu));
  if (missing.length || names.some((k) => !(k in gpu))) {
    throw new Error(`[webgpu parity] ${name}: the backends returned different tensors: cpu [${names}], webgpu [${Object.keys(gpu)}]`);
  }
  // A case whose result is all zeros on cpu compares nothing (e.g. a dropout seed that drops every unit).
  const vacuous = names.filter((k) => options.nonZero?.(k) && cpu[k]?.values.every((v) => v === 0));
  if (vacuous.length) throw new Error(`[webgpu parity] ${name}: ${vacuous.join(', ')} all zeros on cpu: the case tests nothing`);
  const diffs = names.map((k) => compareHost(k, cpu[k], gpu[k], options.toleranceFor?.(k) ?? tol));
  const failed = diffs.filter((d) => !d.ok);
  if (failed.length) {
    throw new Error(`[webgpu parity] ${name}: ${failed.length} of ${diffs.length} tensors differ from cpu:\n  ${failed.map((d) => d.message).join('\n  ')}`);
  }
  const report = { name, diffs };
  reports.push(report);
  return report;
}

/** A layer or model under test, built on the active backend. */
export interface ParitySubject {
  /** Forward pass; several outputs are all compared and all enter the loss. */
  forward: (inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /**
   * Every weight, in a fixed order: values are copied from the cpu build to the webgpu build;
   * trainable ones are differentiated, non-trainable ones compared after the pass.
   */
  weights: tf.LayerVariable[];
  /** Frees the weights (model.dispose(), layer.dispose()). */
  dispose: () => void;
}

export interface LayerParityCase extends ParityOptions {
  /** Names the case in test output and failure messages. */
  name: string;
  /** Builds the subject on the active backend (called once per backend). */
  build: () => ParitySubject;
  /** Input values (seeded; see randn / randu). */
  inputs: HostTensor[];
  /** Which inputs to differentiate. Default: all. */
  gradInputs?: boolean[];
  /** Seed of the loss weights R. Default 12345. */
  lossSeed?: number;
  /** Tolerance of the gradients; default `tolerance`. */
  gradTolerance?: Tolerance;
}

/** `weight[i] name` with the cpu build's name (tfjs numbers layers per build, so the webgpu build's names differ). */
function weightLabel(w: tf.LayerVariable, i: number): string {
  return `weight[${i}] ${w.originalName}`;
}

/**
 * Layer parity: forward output(s), d loss / d inputs, d loss / d trainable weights, and
 * non-trainable weights after the pass, cpu vs webgpu, for `sum_k sum(out_k * R_k)`.
 */
export async function layerParity(c: LayerParityCase): Promise<ParityReport> {
  let cpuWeights: { shape: number[]; values: Float32Array }[] | undefined;
  let cpuLabels: string[] = [];
  const lossSeed = c.lossSeed ?? 12345;
  const gradTol = c.gradTolerance ?? c.tolerance ?? PARITY_TOLERANCE;
  const compute = async (backend: ParityBackend): Promise<Record<string, tf.Tensor | null>> => {
    const subject = c.build();
    const weights = subject.weights;
    if (backend === 'cpu') {
      cpuLabels = weights.map(weightLabel);
      cpuWeights = [];
      for (const w of weights) cpuWeights.push(await toHost(w.read()));
    } else {
      if (!cpuWeights || cpuWeights.length !== weights.length) {
        subject.dispose();
        throw new Error(`[webgpu parity] ${c.name}: webgpu build has ${weights.length} weights, cpu build ${cpuWeights?.length}`);
      }
      weights.forEach((w, i) => {
        const h = cpuWeights![i];
        if (h.shape.join() !== w.shape.join()) {
          subject.dispose();
          throw new Error(`[webgpu parity] ${c.name}: ${cpuLabels[i]}: shape [${w.shape}] on webgpu, [${h.shape}] on cpu`);
        }
        writeWeight(w, () => toTensor(h));
      });
    }
    const inputs = c.inputs.map(toTensor);
    const diffInputs = inputs.filter((_, i) => c.gradInputs?.[i] ?? true);
    const trainable = weights.filter((w) => w.trainable);
    const vars = trainable.map((w) => w.read());
    let outs: tf.Tensor[] = [];
    const { value, grads } = tf.engine().gradients(
      () => {
        const o = subject.forward(inputs);
        const list = Array.isArray(o) ? o : [o];
        outs = list.map((t) => tf.keep(t.clone()));
        const terms = list.map((t, k) => tf.sum(tf.mul(t, toTensor(randn(t.shape, lossSeed + k)))));
        return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
      },
      [...diffInputs, ...vars],
      undefined,
      true,
    );
    const res: Record<string, tf.Tensor | null> = {};
    outs.forEach((o, k) => (res[outs.length === 1 ? 'output' : `output[${k}]`] = o));
    res.loss = value;
    let gi = 0;
    c.inputs.forEach((_, i) => {
      if (c.gradInputs?.[i] ?? true) res[`d input[${i}]`] = grads[gi++] ?? null;
    });
    const labels = cpuLabels;
    weights.forEach((w, i) => {
      if (w.trainable) res[`d ${labels[i]}`] = grads[gi++] ?? null;
    });
    // Non-trainable weights after the pass (e.g. BatchNorm moving statistics in training mode): copies, the subject is disposed below.
    weights.forEach((w, i) => {
      if (!w.trainable) res[`${labels[i]} after the pass`] = tf.clone(w.read());
    });
    tf.dispose(inputs);
    subject.dispose();
    return res;
  };
  const isGrad = (k: string) => k.startsWith('d ');
  return parity(c.name, compute, {
    tolerance: c.tolerance,
    checkLeaks: c.checkLeaks,
    nonZero: (k) => k.startsWith('output'),
    toleranceFor: (k) => c.toleranceFor?.(k) ?? (isGrad(k) ? gradTol : undefined),
  });
}

/** A functional model's subject: forward = model.apply(x, {training}). */
export function modelSubject(model: tf.LayersModel, training: boolean): ParitySubject {
  return {
    forward: (inputs) => model.apply(inputs.length === 1 ? inputs[0] : inputs, { training }) as tf.Tensor | tf.Tensor[],
    weights: model.weights,
    dispose: () => model.dispose(),
  };
}

/** A model of one layer on inputs of the given shapes (batch excluded). */
export function layerModel(make: () => tf.layers.Layer, inputShapes: number[][]): tf.LayersModel {
  const ins = inputShapes.map((s) => tf.input({ shape: s }));
  const out = make().apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor | tf.SymbolicTensor[];
  return tf.model({ inputs: ins, outputs: out });
}
