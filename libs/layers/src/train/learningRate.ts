/**
 * Reading and setting an optimizer's learning rate, for schedules. tfjs has no
 * common API for it: SGD/Momentum keep a pre-negated constant that only
 * `setLearningRate` refreshes, the others read a `learningRate` field.
 */
import { tf } from '../backend';
import { checkNonNegative } from './check';

interface WithLr {
  learningRate?: number;
  setLearningRate?: (lr: number) => void;
}

export function getLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as WithLr).learningRate;
  if (typeof lr !== 'number') {
    throw new TypeError(`getLearningRate: optimizer: expected an optimizer with a numeric learningRate, received ${optimizer.getClassName()}`);
  }
  return lr;
}

export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  checkNonNegative('setLearningRate', 'lr', lr);
  const o = optimizer as unknown as WithLr;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if (typeof o.learningRate === 'number') o.learningRate = lr;
  else throw new TypeError(`setLearningRate: optimizer: expected an optimizer with a learningRate, received ${optimizer.getClassName()}`);
}
