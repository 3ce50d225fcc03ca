/**
 * The Keras Transformer `MultiHeadAttention(n_head, d_model, d_k, d_v, dropout)`
 * of Lsdefine/attention-is-all-you-need-keras (mode 0, use_norm=True), as the
 * ion-switching seed 000 uses it:
 *
 *   x, slf_attn = MultiHeadAttention(n_head=4, d_model=128, d_k=64, d_v=64, dropout=0.1)(x, x, x)
 *
 * as one tfjs layer taking `[q, k, v]` (or one tensor for self-attention) and
 * returning `[output, attention]`:
 *
 * 1. qs = q Wq, ks = k Wk, vs = v Wv (Dense(n_head*d_k / n_head*d_v, use_bias=False));
 *    each split into heads and stacked head-major: [n_head * batch, T, d]
 *    (row h * batch + b is head h of example b).
 * 2. attn = softmax(qs ks^T / temper) over the keys; attention dropout
 *    (rate `attentionDropout`, the original's fixed 0.1); head = attn vs.
 * 3. Heads merged back to [batch, Tq, n_head * d_v]; output Dense(d_model) with
 *    bias (TimeDistributed); dropout (`dropout`).
 * 4. With `useNorm` (default, as the original): residual `+ q` and the
 *    repository's own LayerNormalization, gamma * (x - mean) / (std + 1e-6) + beta
 *    with the population std (NOT Keras' LayerNormalization, which uses
 *    sqrt(var + 1e-3)).
 *
 * temper: the original divides by sqrt(d_model) (`ScaledDotProductAttention(d_model)`,
 * `self.temper = np.sqrt(d_model)`), not sqrt(d_k) as in the paper; `temper:
 * 'dModel'` (default) reproduces it, `'dK'` gives the paper's scaling.
 *
 * Attention output: as returned by the original (after attention dropout), shape
 * [n_head * batch, Tq, Tk] head-major (`attentionLayout: 'flat'`, default), or
 * [batch, n_head, Tq, Tk] with `attentionLayout: 'split'`.
 *
 * Masks are not supported (seed 000 passes none). Only dense / matMul ops, so
 * it trains on every backend.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { tf } from '../backend';
import { checkArgs, checkBool, checkInt, checkOneOf, checkPositive, checkRange, checkSeed, fail, glorotInit } from './util';

export type AttentionTemper = 'dModel' | 'dK';
export type AttentionLayout = 'flat' | 'split';
export const MHA_DEFAULT_ATTENTION_DROPOUT = 0.1;
export const MHA_DEFAULT_LAYER_NORM_EPSILON = 1e-6;

export interface MultiHeadAttentionLayerArgs extends LayerArgs {
  /** Number of heads (`n_head`). */
  nHead: number;
  /** Output width (`d_model`); with useNorm it must equal q's last dimension (residual + q). */
  dModel: number;
  /** Per-head query/key width (`d_k`). */
  dK: number;
  /** Per-head value width (`d_v`). */
  dV: number;
  /** Dropout rate on the output projection (`dropout`), training only. Default 0. */
  dropout?: number;
  /** Dropout rate on the attention weights, training only (fixed 0.1 in the original). Default 0.1. */
  attentionDropout?: number;
  /** Residual + q and layer normalization after the output projection (`use_norm`). Default true. */
  useNorm?: boolean;
  /** Scores are divided by sqrt(dModel) ('dModel', the original) or sqrt(dK) ('dK'). Default 'dModel'. */
  temper?: AttentionTemper;
  /** Epsilon added to the std in the layer normalization. Default 1e-6. */
  layerNormEpsilon?: number;
  /** Attention weights as [nHead*batch, Tq, Tk] ('flat', the original) or [batch, nHead, Tq, Tk] ('split'). Default 'flat'. */
  attentionLayout?: AttentionLayout;
  /** Seed of the glorot-uniform kernel initializers (each kernel gets seed + i). Default unseeded. */
  seed?: number;
}

const W = 'MultiHeadAttention';

function shapesOf(inputShape: tf.Shape | tf.Shape[]): [tf.Shape, tf.Shape, tf.Shape] {
  if (!Array.isArray(inputShape[0])) {
    const s = inputShape as tf.Shape;
    return [s, s, s];
  }
  const l = inputShape as tf.Shape[];
  if (l.length === 1) return [l[0], l[0], l[0]];
  if (l.length !== 3) fail(W, 'inputs', '[q, k, v] or one tensor (self-attention)', l);
  return [l[0], l[1], l[2]];
}

function tensorsOf(inputs: tf.Tensor | tf.Tensor[]): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (!Array.isArray(inputs)) return [inputs, inputs, inputs];
  if (inputs.length === 1) return [inputs[0], inputs[0], inputs[0]];
  if (inputs.length !== 3) fail(W, 'inputs', '[q, k, v] or one tensor (self-attention)', inputs);
  return [inputs[0], inputs[1], inputs[2]];
}

export class MultiHeadAttention extends tf.layers.Layer {
  static className = 'ReproMultiHeadAttention';
  readonly nHead: number;
  readonly dModel: number;
  readonly dK: number;
  readonly dV: number;
  readonly dropout: number;
  readonly attentionDropout: number;
  readonly useNorm: boolean;
  readonly temper: AttentionTemper;
  readonly layerNormEpsilon: number;
  readonly attentionLayout: AttentionLayout;
  readonly seed?: number;
  private wq?: tf.LayerVariable;
  private wk?: tf.LayerVariable;
  private wv?: tf.LayerVariable;
  private wo?: tf.LayerVariable;
  private bo?: tf.LayerVariable;
  /** Dropout masks drawn so far: mask k is seeded seed + 1000 + k (a fixed seed would repeat one mask). */
  /** Dropout masks drawn so far (trainModel checkpoints it: a resumed run draws the masks an uninterrupted one would). */
  maskCalls = 0;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;

  constructor(args: MultiHeadAttentionLayerArgs) {
    super(checkArgs(W, args));
    this.nHead = checkInt(W, 'nHead', args.nHead, 1);
    this.dModel = checkInt(W, 'dModel', args.dModel, 1);
    this.dK = checkInt(W, 'dK', args.dK, 1);
    this.dV = checkInt(W, 'dV', args.dV, 1);
    this.dropout = checkRange(W, 'dropout', args.dropout ?? 0, 0, 1);
    this.attentionDropout = checkRange(W, 'attentionDropout', args.attentionDropout ?? MHA_DEFAULT_ATTENTION_DROPOUT, 0, 1);
    this.useNorm = checkBool(W, 'useNorm', args.useNorm, true);
    this.temper = checkOneOf(W, 'temper', args.temper ?? 'dModel', ['dModel', 'dK'] as const);
    this.layerNormEpsilon = checkPositive(W, 'layerNormEpsilon', args.layerNormEpsilon ?? MHA_DEFAULT_LAYER_NORM_EPSILON);
    this.attentionLayout = checkOneOf(W, 'attentionLayout', args.attentionLayout ?? 'flat', ['flat', 'split'] as const);
    this.seed = checkSeed(W, args.seed);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [qs, ks, vs] = shapesOf(inputShape);
    for (const [n, s] of [['q', qs], ['k', ks], ['v', vs]] as const) {
      if (s.length !== 3 || s[2] === null) fail(W, `${n} shape`, 'rank 3 [batch, steps, features] with known features', `[${s}]`);
    }
    if (this.useNorm && qs[2] !== this.dModel) fail(W, 'q shape', `last dimension dModel = ${this.dModel} (residual + q)`, `[${qs}]`);
    const seed = (i: number) => (this.seed === undefined ? undefined : this.seed + i);
    this.wq = this.addWeight('qs_kernel', [qs[2]!, this.nHead * this.dK], 'float32', glorotInit(seed(0)));
    this.wk = this.addWeight('ks_kernel', [ks[2]!, this.nHead * this.dK], 'float32', glorotInit(seed(1)));
    this.wv = this.addWeight('vs_kernel', [vs[2]!, this.nHead * this.dV], 'float32', glorotInit(seed(2)));
    this.wo = this.addWeight('w_o_kernel', [this.nHead * this.dV, this.dModel], 'float32', glorotInit(seed(3)));
    this.bo = this.addWeight('w_o_bias', [this.dModel], 'float32', tf.initializers.zeros());
    if (this.useNorm) {
      this.gamma = this.addWeight('ln_gamma', [this.dModel], 'float32', tf.initializers.ones());
      this.beta = this.addWeight('ln_beta', [this.dModel], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const [qs, ks] = shapesOf(inputShape);
    const b = qs[0];
    const attn: tf.Shape =
      this.attentionLayout === 'flat' ? [b === null ? null : b * this.nHead, qs[1], ks[1]] : [b, this.nHead, qs[1], ks[1]];
    return [[b, qs[1], this.dModel], attn];
  }

  private maskSeed(): number | undefined {
    return this.seed === undefined ? undefined : this.seed + 1000 + this.maskCalls++;
  }

  /** [batch, T, features] x [features, nHead*d] -> [nHead*batch, T, d] (head-major, as reshape1). */
  private heads(x: tf.Tensor, kernel: tf.LayerVariable, d: number): tf.Tensor {
    const [b, t, f] = x.shape;
    const p = tf.reshape(tf.matMul(tf.reshape(x, [b * t, f]), kernel.read()), [b, t, this.nHead, d]);
    return tf.reshape(tf.transpose(p, [2, 0, 1, 3]), [this.nHead * b, t, d]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor[] {
    return tf.tidy(() => {
      const [q, k, v] = tensorsOf(inputs);
      for (const [n, x] of [['q', q], ['k', k], ['v', v]] as const) {
        if (x.rank !== 3) fail(W, n, 'rank 3 [batch, steps, features]', `shape [${x.shape}]`);
      }
      const training = kwargs.training === true;
      const [b, tq] = q.shape;
      const tk = k.shape[1];
      const qs = this.heads(q, this.wq!, this.dK);
      const ks = this.heads(k, this.wk!, this.dK);
      const vs = this.heads(v, this.wv!, this.dV);
      const temper = Math.sqrt(this.temper === 'dModel' ? this.dModel : this.dK);
      let attn = tf.softmax(tf.div(tf.matMul(qs, ks, false, true), temper));
      if (training && this.attentionDropout > 0) attn = tf.dropout(attn, this.attentionDropout, undefined, this.maskSeed());
      let head = tf.matMul(attn, vs); // [nHead*b, tq, dV]
      head = tf.reshape(tf.transpose(tf.reshape(head, [this.nHead, b, tq, this.dV]), [1, 2, 0, 3]), [b * tq, this.nHead * this.dV]);
      let out = tf.reshape(tf.add(tf.matMul(head, this.wo!.read()), this.bo!.read()), [b, tq, this.dModel]);
      if (training && this.dropout > 0) out = tf.dropout(out, this.dropout, undefined, this.maskSeed());
      if (this.useNorm) {
        out = tf.add(out, q);
        const mean = tf.mean(out, -1, true);
        const centered = tf.sub(out, mean);
        const std = tf.sqrt(tf.mean(tf.square(centered), -1, true));
        out = tf.add(tf.mul(this.gamma!.read(), tf.div(centered, tf.add(std, this.layerNormEpsilon))), this.beta!.read());
      }
      const attnOut = this.attentionLayout === 'flat' ? attn : tf.transpose(tf.reshape(attn, [this.nHead, b, tq, tk!]), [1, 0, 2, 3]);
      return [out, attnOut];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const c: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      nHead: this.nHead,
      dModel: this.dModel,
      dK: this.dK,
      dV: this.dV,
      dropout: this.dropout,
      attentionDropout: this.attentionDropout,
      useNorm: this.useNorm,
      temper: this.temper,
      layerNormEpsilon: this.layerNormEpsilon,
      attentionLayout: this.attentionLayout,
    };
    if (this.seed !== undefined) c.seed = this.seed;
    return c;
  }
}
tf.serialization.registerClass(MultiHeadAttention);

/** Creates a {@link MultiHeadAttention} layer; apply it to `[q, k, v]` (or one tensor) to get `[output, attention]`. */
export function multiHeadAttention(args: MultiHeadAttentionLayerArgs): MultiHeadAttention {
  return new MultiHeadAttention(args);
}
