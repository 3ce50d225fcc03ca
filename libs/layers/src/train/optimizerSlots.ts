/**
 * Per-variable state ("slots") for our optimizers. Slots are kept by position
 * in the gradient list, as tfjs's own optimizers do: variable names change
 * between two builds of the same model in one process (dense_Dense1 vs
 * dense_Dense3), positions do not, so a checkpoint saved from one build loads
 * into the next.
 */
import { tf } from '../backend';

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export type VariableGradients = tf.NamedTensorMap | NamedTensor[];

export interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** Variable names, in the order of the gradient list. */
export function gradientNames(vg: VariableGradients): string[] {
  return Array.isArray(vg) ? vg.map((v) => v.name) : Object.keys(vg);
}

export function gradientAt(vg: VariableGradients, name: string, i: number): tf.Tensor | undefined {
  return Array.isArray(vg) ? vg[i]?.tensor : vg[name];
}

export function variableNamed(name: string): tf.Variable {
  const v = tf.engine().registeredVariables[name];
  if (!v) throw new Error(`optimizer: no registered variable named '${name}' (was the model disposed?)`);
  return v;
}

/** A zero slot shaped like `value`, created once per position. */
export function ensureSlot(slots: Slot[], i: number, name: string, suffix: string, init: tf.Tensor): tf.Variable {
  if (slots[i] == null) {
    slots[i] = { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(init).variable(false)) };
  }
  return slots[i].variable;
}

export function slotWeights(slots: Slot[]): NamedTensor[] {
  return slots.map((s) => ({ name: s.originalName, tensor: s.variable }));
}

export function slotsFrom(weights: NamedTensor[]): Slot[] {
  return weights.map((w) => ({ originalName: w.name, variable: w.tensor.variable(false) }));
}

export function disposeSlots(slots: Slot[]): void {
  tf.dispose(slots.map((s) => s.variable));
}
