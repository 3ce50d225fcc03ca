/**
 * Seed 000's `CnnGRUTransformerWave(shape_)` (Ion Switching) in TensorFlow.js,
 * layer for layer:
 *
 *   inp [B, T, F]                      (T = 4000, F = 19 in the seed)
 *   inp1 = reshape(inp, (-1, T/8, F))  -> [8B, T/8, F]          (FoldTime)
 *   cbr(64, k1)                        -> [8B, T/8, 64]
 *   concat(MaxPool1D cf, AvgPool1D cf) -> [8B, T/8, 32 + 32]    (channels_first: pools the LAST axis)
 *   BiGRU(128) + BN + Dropout(.2)      -> [8B, T/8, 256]
 *   BiGRU(64)  + BN + Dropout(.2)      -> [8B, T/8, 128]
 *   MultiHeadAttention(4, 128, 64, 64, .1)(x, x, x) -> [8B, T/8, 128]
 *   concat(MaxPool1D cf, AvgPool1D cf) -> [8B, T/8, 64 + 64]
 *   Dropout(.2), Dense(11, softmax) 'out1'
 *   out1 = reshape(out1, (-1, T, 11))  -> [B, T, 11]            (UnfoldTime)
 *   concat(inp, out1)                  -> [B, T, F + 11]
 *   cbr(64, k7), BN, wave(16,3,12), BN, wave(32,3,8), BN, wave(64,3,4), BN, wave(128,3,1)
 *   cbr(32, k7), BN, Dropout(.2), Dense(11, relu) 'out'
 *   softmax(out1 + out)                -> [B, T, 11]
 *
 * Keras' `K.reshape(inp, (-1, T/8, F))` folds 8 consecutive sub-sequences of
 * each example into the batch; a tfjs Reshape layer cannot change the batch
 * dimension, hence the two small registered layers {@link FoldTime} /
 * {@link UnfoldTime}.
 *
 * GRU: tf.keras 2.x's `GRU(units)` defaults are `reset_after=True` (two bias
 * vectors, the reset gate applied after the recurrent matmul, as PyTorch's
 * nn.GRU) and `recurrent_activation='sigmoid'`. tfjs-layers' GRUCell refuses
 * `resetAfter: true` and defaults to hardSigmoid, so the GRU here is @repro/layers' small
 * registered cell {@link GRUCellResetAfter} run by stock `RNN` ({@link GRUResetAfter}) inside
 * stock `tf.layers.bidirectional`: same weights layout and parameter count as
 * Keras (kernel [in, 3u], recurrent kernel [u, 3u], bias [2, 3u]; gates z, r, h).
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import {
  averagePooling1dChannelsFirst,
  cbr,
  GRUResetAfter,
  maxPooling1dChannelsFirst,
  multiHeadAttention,
  seededDropout,
  tf,
  waveBlock,
} from '@repro/layers';

// ---------------------------------------------------------------------------
// FoldTime / UnfoldTime: K.reshape across the batch dimension.
// ---------------------------------------------------------------------------

export interface FoldTimeArgs extends LayerArgs {
  /** Number of sub-sequences each example's time axis is split into (the seed's 8). */
  factor: number;
}

function checkFactor(where: string, args: FoldTimeArgs): number {
  const f = args?.factor;
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 1) {
    throw new Error(`${where}: factor must be a positive integer, received ${JSON.stringify(f)}`);
  }
  return f;
}

function oneInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function oneShapeOf(s: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(s[0]) ? s[0] : s) as tf.Shape;
}

/** [B, T, C] -> [B * factor, T / factor, C] (contiguous, as `K.reshape(x, (-1, T/factor, C))`). */
export class FoldTime extends tf.layers.Layer {
  static className = 'ReproFoldTime';
  readonly factor: number;

  constructor(args: FoldTimeArgs) {
    super(args);
    this.factor = checkFactor('FoldTime', args);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = oneShapeOf(inputShape);
    if (s.length !== 3) throw new Error(`FoldTime: expected rank 3 [batch, time, channels], received [${s}]`);
    const t = s[1];
    if (t !== null && t % this.factor !== 0) throw new Error(`FoldTime: time ${t} is not divisible by factor ${this.factor}`);
    return [s[0] === null ? null : s[0] * this.factor, t === null ? null : t / this.factor, s[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = oneInput(inputs);
    const [b, t, c] = x.shape;
    if (t % this.factor !== 0) throw new Error(`FoldTime: time ${t} is not divisible by factor ${this.factor}`);
    return tf.reshape(x, [b * this.factor, t / this.factor, c]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}
tf.serialization.registerClass(FoldTime);

/** [B * factor, T / factor, C] -> [B, T, C]: the inverse of {@link FoldTime}. */
export class UnfoldTime extends tf.layers.Layer {
  static className = 'ReproUnfoldTime';
  readonly factor: number;

  constructor(args: FoldTimeArgs) {
    super(args);
    this.factor = checkFactor('UnfoldTime', args);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = oneShapeOf(inputShape);
    if (s.length !== 3) throw new Error(`UnfoldTime: expected rank 3 [batch, time, channels], received [${s}]`);
    return [s[0] === null ? null : s[0] / this.factor, s[1] === null ? null : s[1] * this.factor, s[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = oneInput(inputs);
    const [b, t, c] = x.shape;
    if (b % this.factor !== 0) throw new Error(`UnfoldTime: batch ${b} is not divisible by factor ${this.factor}`);
    return tf.reshape(x, [b / this.factor, t * this.factor, c]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}
tf.serialization.registerClass(UnfoldTime);

// ---------------------------------------------------------------------------
// GRU with Keras' reset_after=True (tf.keras 2.x default) semantics: the cell
// lives in @repro/layers (the webgpu parity tests use it too); re-exported for
// this module's importers.
// ---------------------------------------------------------------------------

export { GRUCellResetAfter, GRUResetAfter, type GRUCellResetAfterArgs, type GRUResetAfterArgs } from '@repro/layers';

/** Keras `Bidirectional(GRU(units, return_sequences=True))` (merge 'concat': 2*units features). */
export function biGru(units: number, opts: { name?: string; seed?: number } = {}): tf.layers.Layer {
  const rnn = new GRUResetAfter({ units, seed: opts.seed, returnSequences: true });
  return tf.layers.bidirectional({ layer: rnn, mergeMode: 'concat', name: opts.name });
}

// ---------------------------------------------------------------------------
// The model.
// ---------------------------------------------------------------------------

/** Widths of the model; the defaults are exactly the seed's. Scale them down for CPU configs. */
export interface CnnGruTransformerWaveWidths {
  /** First cbr's filters (kernel 1). Seed: 64. Must be even (channels-first pooling halves it). */
  cbrIn: number;
  /** First BiGRU units per direction. Seed: 128. */
  gru1: number;
  /** Second BiGRU units per direction. Seed: 64. `2 * gru2` must equal `dModel` (attention residual). */
  gru2: number;
  /** Attention heads. Seed: 4. */
  nHead: number;
  /** Attention d_model. Seed: 128. */
  dModel: number;
  /** Attention d_k. Seed: 64. */
  dK: number;
  /** Attention d_v. Seed: 64. */
  dV: number;
  /** cbr after concatenating the input with out1 (kernel 7). Seed: 64. */
  cbrMid: number;
  /** Wave blocks as [filters, nDilations] (kernel 3). Seed: [[16, 12], [32, 8], [64, 4], [128, 1]]. */
  wave: [number, number][];
  /** Last cbr's filters (kernel 7). Seed: 32. */
  cbrOut: number;
}

export const SEED_WIDTHS: Readonly<CnnGruTransformerWaveWidths> = Object.freeze({
  cbrIn: 64,
  gru1: 128,
  gru2: 64,
  nHead: 4,
  dModel: 128,
  dK: 64,
  dV: 64,
  cbrMid: 64,
  wave: [
    [16, 12],
    [32, 8],
    [64, 4],
    [128, 1],
  ] as [number, number][],
  cbrOut: 32,
});

export interface CnnGruTransformerWaveOptions {
  /** Sequence length (the seed's shape_[0]). Default 4000. Must be divisible by `fold`. */
  seqLen?: number;
  /** Input features per step (the seed's shape_[1]). Default 19. */
  nFeatures?: number;
  /** Classes (open_channels 0..10). Default 11. */
  nClasses?: number;
  /** Sub-sequences folded into the batch for the GRU branch. Default 8 (the seed's `shape_[0]//8`). */
  fold?: number;
  /** Width knobs; missing keys take the seed's value. */
  widths?: Partial<CnnGruTransformerWaveWidths>;
  /** Dropout after the GRUs, after the attention pooling and before the last Dense. Default 0.2. */
  dropout?: number;
  /** Dropout of the attention layer (output and attention weights). Default 0.1. */
  attentionDropout?: number;
  /** Seed of every initializer (Dense, GRU, attention, and the convs of the CBR and wave blocks). */
  seed?: number;
  /** Prefix of layer names. Default 'cgtw'. */
  name?: string;
}

function posInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`buildCnnGruTransformerWave: ${name} must be a positive integer, received ${JSON.stringify(v)}`);
  }
  return v;
}

/** Resolved widths (defaults filled in) with their consistency checked. */
export function resolveWidths(widths: Partial<CnnGruTransformerWaveWidths> = {}): CnnGruTransformerWaveWidths {
  const w: CnnGruTransformerWaveWidths = { ...SEED_WIDTHS, wave: SEED_WIDTHS.wave.map((b) => [...b] as [number, number]), ...widths };
  for (const k of ['cbrIn', 'gru1', 'gru2', 'nHead', 'dModel', 'dK', 'dV', 'cbrMid', 'cbrOut'] as const) posInt(`widths.${k}`, w[k]);
  if (w.cbrIn % 2 !== 0) throw new Error(`buildCnnGruTransformerWave: widths.cbrIn must be even (pooled in pairs), received ${w.cbrIn}`);
  if (w.dModel !== 2 * w.gru2) {
    throw new Error(`buildCnnGruTransformerWave: widths.dModel (${w.dModel}) must equal 2 * gru2 (${2 * w.gru2}): the attention adds its input back`);
  }
  if (w.dModel % 2 !== 0) throw new Error(`buildCnnGruTransformerWave: widths.dModel must be even, received ${w.dModel}`);
  if (!Array.isArray(w.wave) || w.wave.length === 0) throw new Error('buildCnnGruTransformerWave: widths.wave must be a non-empty list of [filters, nDilations]');
  w.wave.forEach(([f, n], i) => {
    posInt(`widths.wave[${i}][0]`, f);
    posInt(`widths.wave[${i}][1]`, n);
  });
  return w;
}

/**
 * Builds seed 000's CnnGRUTransformerWave as a tf.LayersModel: input
 * [batch, seqLen, nFeatures], output [batch, seqLen, nClasses] probabilities.
 * Not compiled (the training loop picks loss and optimizer: categorical
 * cross-entropy and Adam wrapped in SWA in the seed).
 */
export function buildCnnGruTransformerWave(options: CnnGruTransformerWaveOptions = {}): tf.LayersModel {
  const seqLen = posInt('seqLen', options.seqLen ?? 4000);
  const nFeatures = posInt('nFeatures', options.nFeatures ?? 19);
  const nClasses = posInt('nClasses', options.nClasses ?? 11);
  const fold = posInt('fold', options.fold ?? 8);
  if (seqLen % fold !== 0) throw new Error(`buildCnnGruTransformerWave: seqLen ${seqLen} must be divisible by fold ${fold}`);
  const dropout = options.dropout ?? 0.2;
  const attentionDropout = options.attentionDropout ?? 0.1;
  for (const [k, v] of [['dropout', dropout], ['attentionDropout', attentionDropout]] as const) {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`buildCnnGruTransformerWave: ${k} must be in [0, 1), received ${JSON.stringify(v)}`);
  }
  const w = resolveWidths(options.widths);
  const seed = options.seed;
  const s = (i: number) => (seed === undefined ? undefined : seed + 100 * i);
  const p = options.name ?? 'cgtw';
  const ap = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const bn = (x: tf.SymbolicTensor, name: string) => ap(tf.layers.batchNormalization({ name: `${p}_${name}` }), x);
  // SeededDropout: tfjs' Dropout with a seed draws the same mask every step.
  const drop = (x: tf.SymbolicTensor, name: string, i: number) => ap(seededDropout({ rate: dropout, seed: s(i), name: `${p}_${name}` }), x);
  const cfPool = (x: tf.SymbolicTensor, name: string) =>
    ap(tf.layers.concatenate({ name: `${p}_${name}_cat` }), [
      ap(maxPooling1dChannelsFirst({ name: `${p}_${name}_max` }), x),
      ap(averagePooling1dChannelsFirst({ name: `${p}_${name}_avg` }), x),
    ]);

  const inp = tf.input({ shape: [seqLen, nFeatures], name: `${p}_input` });
  // --- CNN-GRU-Transformer branch on 8 folded sub-sequences ---
  let x = ap(new FoldTime({ factor: fold, name: `${p}_fold` }), inp); // [8B, T/8, F]
  x = cbr(x, { filters: w.cbrIn, kernelSize: 1, prefix: `${p}_cbr_in`, seed: s(11) }); // [8B, T/8, 64]
  x = cfPool(x, 'pool1'); // [8B, T/8, 32 + 32]
  x = ap(biGru(w.gru1, { name: `${p}_bigru1`, seed: s(1) }), x); // [8B, T/8, 256]
  x = bn(x, 'bigru1_bn');
  x = drop(x, 'bigru1_drop', 2);
  x = ap(biGru(w.gru2, { name: `${p}_bigru2`, seed: s(3) }), x); // [8B, T/8, 128]
  x = bn(x, 'bigru2_bn');
  x = drop(x, 'bigru2_drop', 4);
  const mha = multiHeadAttention({
    nHead: w.nHead,
    dModel: w.dModel,
    dK: w.dK,
    dV: w.dV,
    dropout: attentionDropout,
    attentionDropout,
    seed: s(5),
    name: `${p}_mha`,
  });
  x = (mha.apply([x, x, x]) as tf.SymbolicTensor[])[0]; // [8B, T/8, 128]; attention weights unused (as the seed)
  x = cfPool(x, 'pool2'); // [8B, T/8, 64 + 64]
  x = drop(x, 'pool2_drop', 6);
  let out1 = ap(tf.layers.dense({ units: nClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: s(7) }), name: `${p}_out1` }), x);
  out1 = ap(new UnfoldTime({ factor: fold, name: `${p}_unfold` }), out1); // [B, T, 11]

  // --- WaveNet branch on the input plus out1 ---
  x = ap(tf.layers.concatenate({ name: `${p}_cat_in_out1` }), [inp, out1]); // [B, T, F + 11]
  x = cbr(x, { filters: w.cbrMid, kernelSize: 7, prefix: `${p}_cbr_mid`, seed: s(12) });
  w.wave.forEach(([filters, n], i) => {
    x = bn(x, `wave${i}_bn`);
    x = waveBlock(x, { filters, kernelSize: 3, nDilations: n, prefix: `${p}_wave${i}`, seed: s(13 + i) });
  });
  x = cbr(x, { filters: w.cbrOut, kernelSize: 7, prefix: `${p}_cbr_out`, seed: s(20) });
  x = bn(x, 'out_bn');
  x = drop(x, 'out_drop', 8);
  const out = ap(tf.layers.dense({ units: nClasses, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: s(9) }), name: `${p}_out` }), x);
  // K.reshape(out, (-1, T, 11)) is the identity here.
  let y = ap(tf.layers.add({ name: `${p}_add` }), [out1, out]);
  y = ap(tf.layers.activation({ activation: 'softmax', name: `${p}_softmax` }), y);
  return tf.model({ inputs: inp, outputs: y, name: p });
}

/** Trainable parameters of a model (Keras' "Trainable params"; PyTorch's sum of parameters()). */
export function trainableParamCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, v) => n + v.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}
