/**
 * Activation and initializer handling shared by the conv layers, mirroring
 * tfjs-layers' own (which it does not export).
 */
import { tf } from '../backend';

/** A tfjs-layers weight initializer instance. */
export type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/** Initializers accepted by name (tfjs-layers' camelCase identifiers). */
export type InitializerIdentifier =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'leCunNormal'
  | 'leCunUniform'
  | 'zeros'
  | 'ones'
  | 'randomNormal'
  | 'randomUniform'
  | 'truncatedNormal';

/** An initializer: identifier, instance, or its serialized `{className, config}` form (what getConfig writes). */
export type InitializerSpec = InitializerIdentifier | Initializer | { className: string; config: Record<string, unknown> };

const INITIALIZERS: Record<InitializerIdentifier, () => Initializer> = {
  glorotUniform: () => tf.initializers.glorotUniform({}),
  glorotNormal: () => tf.initializers.glorotNormal({}),
  heNormal: () => tf.initializers.heNormal({}),
  heUniform: () => tf.initializers.heUniform({}),
  leCunNormal: () => tf.initializers.leCunNormal({}),
  leCunUniform: () => tf.initializers.leCunUniform({}),
  zeros: () => tf.initializers.zeros(),
  ones: () => tf.initializers.ones(),
  randomNormal: () => tf.initializers.randomNormal({}),
  randomUniform: () => tf.initializers.randomUniform({}),
  truncatedNormal: () => tf.initializers.truncatedNormal({}),
};

/** Resolves an {@link InitializerSpec}; errors name the argument. */
export function getInitializer(owner: string, name: string, spec: InitializerSpec): Initializer {
  if (typeof spec === 'string') {
    const make = INITIALIZERS[spec];
    if (!make) throw new Error(`${owner}: ${name} must be one of ${Object.keys(INITIALIZERS).join('|')} or an Initializer, received '${spec}'`);
    return make();
  }
  if (spec instanceof tf.serialization.Serializable) return spec as Initializer;
  if (spec && typeof spec === 'object' && typeof spec.className === 'string') {
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
    if (!entry) throw new Error(`${owner}: ${name}: unknown initializer class '${spec.className}'`);
    const [cls, fromConfig] = entry;
    return fromConfig(cls, (spec.config ?? {}) as tf.serialization.ConfigDict) as Initializer;
  }
  throw new Error(`${owner}: ${name} must be an initializer identifier, Initializer or {className, config}, received ${JSON.stringify(spec)}`);
}

/** `{className, config}` of an initializer, as tfjs-layers serializes it. */
export function serializeInitializer(init: Initializer): { className: string; config: tf.serialization.ConfigDict } {
  return { className: init.getClassName(), config: init.getConfig() };
}

/** Activations accepted by the conv layers (tfjs-layers identifiers). */
export type ActivationIdentifier =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'tanh'
  | 'softmax'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'mish';

const ACTIVATIONS: Record<ActivationIdentifier, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  sigmoid: (x) => tf.sigmoid(x),
  hardSigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
};
export const ACTIVATION_IDENTIFIERS = Object.keys(ACTIVATIONS) as ActivationIdentifier[];

/** The activation function for an identifier; errors name the argument. */
export function getActivation(owner: string, value: unknown): (x: tf.Tensor) => tf.Tensor {
  const fn = ACTIVATIONS[value as ActivationIdentifier];
  if (!fn || typeof value !== 'string') {
    throw new Error(`${owner}: activation must be one of ${ACTIVATION_IDENTIFIERS.join('|')}, received ${JSON.stringify(value)}`);
  }
  return fn;
}

/** The single tensor of a layer's inputs. */
export function oneTensor(owner: string, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`${owner}: expected 1 input tensor, received ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}

/** The single shape of a layer's input shape(s). */
export function oneShape(owner: string, shape: tf.Shape | tf.Shape[]): tf.Shape {
  if (Array.isArray(shape[0])) {
    if (shape.length !== 1) throw new Error(`${owner}: expected 1 input shape, received ${shape.length}`);
    return shape[0] as tf.Shape;
  }
  return shape as tf.Shape;
}

/** Output length of one axis, null-preserving ('same'/'causal': ceil(n/s); 'valid': floor((n-span-1)/s)+1). */
export function convOutLength(n: number | null, kernel: number, stride: number, dilation: number, padding: string): number | null {
  if (n === null) return null;
  if (padding === 'valid') return Math.floor((n - (kernel - 1) * dilation - 1) / stride) + 1;
  return Math.ceil(n / stride);
}
