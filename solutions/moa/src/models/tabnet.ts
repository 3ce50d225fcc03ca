/**
 * TabNet on the full feature set (seed 001's best single model), with the
 * public MoA TabNet kernel's settings (n_d = n_a = 32, n_steps 1, gamma 1.3,
 * entmax masks, lambda_sparse 0, virtual batch 32). @repro/layers' TabNet is
 * pytorch-tabnet's encoder + final mapping; it outputs logits.
 */
import { buildTabNet, tf } from '@repro/layers';
import type { TabnetConfig } from '../config';

export function buildTabnetModel(c: TabnetConfig, inputDim: number, outputDim: number, seed: number): tf.LayersModel {
  return buildTabNet({
    inputDim,
    outputDim,
    nD: c.nD,
    nA: c.nA,
    nSteps: c.nSteps,
    gamma: c.gamma,
    nIndependent: c.nIndependent,
    nShared: c.nShared,
    virtualBatchSize: c.virtualBatchSize,
    momentum: c.momentum,
    maskType: c.maskType,
    lambdaSparse: c.lambdaSparse,
    seed: seed * 1000,
    name: 'tabnet',
  }).model;
}
