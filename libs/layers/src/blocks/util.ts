/**
 * Small helpers shared by the blocks: argument checks (messages name the
 * argument, then expected vs received, as train/check does), input unpacking
 * and seeded initializers.
 */
import { tf } from '../backend';
import { tfSeed } from '../tfSeed';
import { fail } from '../train/check';

export { fail, checkInt, checkOneOf, checkRange, checkFinite, checkPositive } from '../train/check';

/** A boolean argument, with its default. */
export function checkBool(where: string, arg: string, value: unknown, dflt: boolean): boolean {
  const v = value ?? dflt;
  if (typeof v !== 'boolean') fail(where, arg, 'a boolean', v);
  return v;
}

/** An optional integer seed (undefined stays undefined). */
export function checkSeed(where: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(where, 'seed', 'an integer or undefined', value);
  return value;
}

/** The layer's args object itself (a constructor called without one gets a readable error). */
export function checkArgs<T>(where: string, args: T): T {
  if (!args || typeof args !== 'object') fail(where, 'args', 'an options object', args);
  return args;
}

/** The single tensor of a layer's inputs. */
export function oneTensor(where: string, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) fail(where, 'inputs', '1 tensor', inputs);
    return inputs[0];
  }
  return inputs;
}

/** The single shape of a layer's input shape(s). */
export function oneShape(where: string, shape: tf.Shape | tf.Shape[]): tf.Shape {
  if (Array.isArray(shape[0])) {
    if (shape.length !== 1) fail(where, 'input shapes', '1 shape', shape);
    return shape[0] as tf.Shape;
  }
  return shape as tf.Shape;
}

/** Normal initializer with the given standard deviation; seeded when `seed` is a number. */
export function normalInit(stddev: number, seed?: number): ReturnType<typeof tf.initializers.randomNormal> {
  return tf.initializers.randomNormal({ mean: 0, stddev, seed: tfSeed(seed) });
}

/** Keras' default Dense kernel initializer (glorot uniform), optionally seeded. */
export function glorotInit(seed?: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed });
}

/** `training` from a layer call's kwargs (tfjs passes `{training: true}` in fit / trainModel). */
export function isTraining(kwargs: Record<string, unknown> | undefined): boolean {
  return kwargs?.training === true;
}
