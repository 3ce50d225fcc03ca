/**
 * Keras' GRU with `reset_after=True` (tf.keras 2.x's default, as the Ion
 * Switching seed 000 uses it): tfjs-layers' GRUCell refuses `resetAfter: true`
 * and defaults to hardSigmoid, so the cell is written from Keras' formula and
 * run by stock `RNN`; it works inside stock `tf.layers.bidirectional`. Same
 * weights layout and parameter count as Keras (kernel [in, 3u], recurrent
 * kernel [u, 3u], bias [2, 3u]; gates z, r, h). The registered class names
 * are the ones models were saved with, so those still load.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { tf } from '../backend';
import { tfSeed } from '../tfSeed';

export interface GRUCellResetAfterArgs extends LayerArgs {
  units: number;
  /** Seed of the glorot-uniform kernel and orthogonal recurrent initializers. Default unseeded. */
  seed?: number;
}

/**
 * One step of Keras' GRU with `reset_after=True`, `activation='tanh'`,
 * `recurrent_activation='sigmoid'`:
 *
 *   mx = x K + b[0]; mh = h R + b[1]        (gates in the order z, r, h)
 *   z = sigmoid(mx_z + mh_z); r = sigmoid(mx_r + mh_r)
 *   hh = tanh(mx_h + r * mh_h); h' = z * h + (1 - z) * hh
 *
 * Parameters in*3u + u*3u + 2*3u, as Keras and PyTorch's nn.GRU. Use it as
 * `tf.layers.rnn({cell, returnSequences: true})`.
 */
export class GRUCellResetAfter extends tf.layers.Layer {
  static className = 'ReproGRUCellResetAfter';
  readonly units: number;
  readonly stateSize: number;
  readonly seed?: number;
  private kernel?: tf.LayerVariable;
  private recurrentKernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: GRUCellResetAfterArgs) {
    super(args);
    const u = args?.units;
    if (typeof u !== 'number' || !Number.isInteger(u) || u < 1) {
      throw new Error(`GRUCellResetAfter: units must be a positive integer, received ${JSON.stringify(u)}`);
    }
    this.units = u;
    this.stateSize = u;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = s[s.length - 1];
    if (inDim === null) throw new Error('GRUCellResetAfter: the input feature dimension must be known');
    const u = this.units;
    const seed = (i: number) => (this.seed === undefined ? undefined : this.seed + i);
    this.kernel = this.addWeight('kernel', [inDim, 3 * u], 'float32', tf.initializers.glorotUniform({ seed: seed(0) }));
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', tf.initializers.orthogonal({ seed: tfSeed(seed(1)) }));
    this.bias = this.addWeight('bias', [2, 3 * u], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new Error(`GRUCellResetAfter: expected [input, state], received ${Array.isArray(inputs) ? inputs.length : 1} tensor(s)`);
      }
      const [x, h] = inputs;
      const u = this.units;
      const [bx, bh] = tf.unstack(this.bias!.read(), 0);
      const mx = tf.add(tf.matMul(x, this.kernel!.read()), bx);
      const mh = tf.add(tf.matMul(h, this.recurrentKernel!.read()), bh);
      const [xz, xr, xh] = tf.split(mx, [u, u, u], -1);
      const [hz, hr, hh] = tf.split(mh, [u, u, u], -1);
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const cand = tf.tanh(tf.add(xh, tf.mul(r, hh)));
      // h' = z * h + (1 - z) * cand = cand + z * (h - cand)
      const out = tf.add(cand, tf.mul(z, tf.sub(h, cand)));
      return [out, out];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(GRUCellResetAfter);

export interface GRUResetAfterArgs extends GRUCellResetAfterArgs {
  returnSequences?: boolean;
  goBackwards?: boolean;
}

/**
 * Keras `GRU(units, reset_after=True)`: stock `RNN` running a
 * {@link GRUCellResetAfter}. A class of its own (rather than
 * `tf.layers.rnn({cell})`) because tfjs' Bidirectional deserializes the
 * wrapped layer's config twice and a generic RNN's config object is mutated by
 * the first `RNN.fromConfig` (its `cell` entry replaced by the cell instance).
 */
export class GRUResetAfter extends tf.RNN {
  static override className = 'ReproGRUResetAfter';
  constructor(args: GRUResetAfterArgs) {
    const cell = new GRUCellResetAfter({ units: args.units, seed: args.seed });
    super({ ...args, cell } as unknown as ConstructorParameters<typeof tf.RNN>[0]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const c = super.getConfig();
    delete c.cell;
    return c;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { cell: _cell, ...rest } = config;
    return new cls(rest);
  }
}
tf.serialization.registerClass(GRUResetAfter);
