/**
 * For the parity tests: Keras' GRU with `reset_after=True` (tf.keras 2.x's default, as the
 * ion-switching seed 000 uses it), written from Keras' formula because tfjs-layers' GRUCell
 * refuses `resetAfter: true`. The solution (solutions/ion-switching/src/model.ts) has its own
 * copy; libs may not import solutions. Gates z, r, h; kernel [in, 3u], recurrent kernel [u, 3u],
 * bias [2, 3u]:
 *
 *   mx = x K + b[0]; mh = h R + b[1]
 *   z = sigmoid(mx_z + mh_z); r = sigmoid(mx_r + mh_r)
 *   hh = tanh(mx_h + r * mh_h); h' = z * h + (1 - z) * hh
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { tf } from '../backend';
import { tfSeed } from '../tfSeed';

interface CellArgs extends LayerArgs {
  units: number;
  seed: number;
}

export class ParityGRUCellResetAfter extends tf.layers.Layer {
  static className = 'ParityGRUCellResetAfter';
  readonly units: number;
  readonly stateSize: number;
  readonly seed: number;
  private kernel?: tf.LayerVariable;
  private recurrentKernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: CellArgs) {
    super(args);
    this.units = args.units;
    this.stateSize = args.units;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const u = this.units;
    this.kernel = this.addWeight('kernel', [s[s.length - 1]!, 3 * u], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', tf.initializers.orthogonal({ seed: tfSeed(this.seed + 1) }));
    // Non-zero biases, so that both bias rows matter in the test.
    this.bias = this.addWeight('bias', [2, 3 * u], 'float32', tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: this.seed + 2 }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const [x, h] = inputs as tf.Tensor[];
      const u = this.units;
      const [bx, bh] = tf.unstack(this.bias!.read(), 0);
      const mx = tf.add(tf.matMul(x, this.kernel!.read()), bx);
      const mh = tf.add(tf.matMul(h, this.recurrentKernel!.read()), bh);
      const [xz, xr, xh] = tf.split(mx, [u, u, u], -1);
      const [hz, hr, hh] = tf.split(mh, [u, u, u], -1);
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const cand = tf.tanh(tf.add(xh, tf.mul(r, hh)));
      const out = tf.add(cand, tf.mul(z, tf.sub(h, cand)));
      return [out, out];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed };
  }
}
tf.serialization.registerClass(ParityGRUCellResetAfter);

interface RnnArgs extends CellArgs {
  returnSequences?: boolean;
  goBackwards?: boolean;
}

/**
 * The cell run by stock RNN; a class of its own so that tf.layers.bidirectional can rebuild the
 * backward copy from the config (a generic RNN's config carries the cell instance).
 */
export class ParityGRUResetAfter extends tf.RNN {
  static override className = 'ParityGRUResetAfter';
  readonly units: number;
  readonly seed: number;
  constructor(args: RnnArgs) {
    const cell = new ParityGRUCellResetAfter({ units: args.units, seed: args.seed });
    super({ ...args, cell } as unknown as ConstructorParameters<typeof tf.RNN>[0]);
    this.units = args.units;
    this.seed = args.seed;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const c = super.getConfig();
    delete c.cell;
    return { ...c, units: this.units, seed: this.seed };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { cell: _cell, ...rest } = config;
    return new cls(rest);
  }
}
tf.serialization.registerClass(ParityGRUResetAfter);
