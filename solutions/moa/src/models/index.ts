/**
 * Step 3: the members. One place that maps a member kind to its network,
 * loss, optimizer and schedule, so train.ts stays one loop for all of them.
 */
import {
  LossFn,
  LrSchedule,
  addMany,
  adamW,
  binaryCrossentropy,
  kerasAdam,
  oneCycle,
  reduceLROnPlateau,
  smoothBceWithLogits,
  tf,
  withPenalty,
} from '@repro/layers';
import type { MemberKind, MoaConfig } from '../config';
import { buildCnn1dModel } from './cnn1d';
import { buildDenseModel } from './dense';
import { buildTabnetModel } from './tabnet';
import { buildTransferModel } from './transfer';

/** Whether the member's network ends in logits (sigmoid applied at prediction) or probabilities. */
export const OUTPUTS_LOGITS: Record<MemberKind, boolean> = { dense: false, cnn1d: false, tabnet: true, transfer: true };

export function buildMemberModel(kind: MemberKind, config: MoaConfig, rowShapes: number[][], outputDim: number, seed: number): tf.LayersModel {
  switch (kind) {
    case 'dense': {
      const c = config.dense;
      return buildDenseModel({
        input1Dim: rowShapes[0][0],
        input2Dim: rowShapes[1][0],
        outputDim,
        widths1: c.widths1,
        widths2: c.widths2,
        tailWidth: c.tailWidth,
        dropout1: c.dropout1,
        dropout2: c.dropout2,
        seed,
      });
    }
    case 'cnn1d': {
      const c = config.cnn1d;
      return buildCnn1dModel({ inputDim: rowShapes[0][0], outputDim, filters: c.filters, kernelSize: c.kernelSize, denseWidths: c.denseWidths, seed });
    }
    case 'tabnet':
      return buildTabnetModel(config.tabnet, rowShapes[0][0], outputDim, seed);
    case 'transfer':
      return buildTransferModel({ inputDim: rowShapes[0][0], outputDim, hidden: config.transfer.hidden, dropout: config.transfer.dropout, seed });
  }
}

/**
 * torch.optim.Adam(weight_decay=wd) adds wd * w to every gradient: the same as
 * adding wd/2 * sum(w^2) to the loss, which is what this does (with AdamW's
 * update and no decoupled decay, that is torch's Adam).
 */
export function withL2(loss: LossFn, getModel: () => tf.LayersModel | undefined, weightDecay: number): LossFn {
  if (!(weightDecay > 0)) return loss;
  return withPenalty(loss, () =>
    tf.tidy(() => {
      const m = getModel();
      if (!m) return tf.scalar(0);
      const terms = m.trainableWeights.map((w) => tf.sum(tf.square(w.read())));
      return tf.mul(addMany(terms), weightDecay / 2) as tf.Scalar;
    }),
  );
}

export interface MemberTraining {
  loss: LossFn;
  optimizer: () => tf.Optimizer;
  schedule?: LrSchedule;
}

/**
 * Loss, optimizer and schedule of one member. Transfer: `pretrain` picks step 1's weight decay and
 * OneCycle (the kernel's ALL_TARGETS values), otherwise step 2's (SCORED_ONLY).
 */
export function memberTraining(kind: MemberKind, config: MoaConfig, getModel: () => tf.LayersModel | undefined, stepsPerEpoch: number, epochs: number, pretrain = false): MemberTraining {
  switch (kind) {
    case 'dense':
      return {
        loss: binaryCrossentropy({ labelSmoothing: config.dense.labelSmoothing }),
        optimizer: () => kerasAdam({ learningRate: config.dense.learningRate, decay: config.dense.decay }),
      };
    case 'cnn1d':
      return {
        loss: binaryCrossentropy({ labelSmoothing: config.cnn1d.labelSmoothing }),
        optimizer: () => kerasAdam({ learningRate: config.cnn1d.learningRate }),
      };
    case 'tabnet': {
      const c = config.tabnet;
      return {
        loss: withL2(smoothBceWithLogits(c.labelSmoothing), getModel, c.weightDecay),
        optimizer: () => adamW({ learningRate: c.learningRate, weightDecay: 0, epsilon: 1e-8 }),
        schedule: reduceLROnPlateau({ initialLr: c.learningRate, monitor: 'logloss', mode: 'min', patience: c.plateau.patience, factor: c.plateau.factor, minLr: c.plateau.minLr }),
      };
    }
    case 'transfer': {
      const c = config.transfer;
      const weightDecay = pretrain ? c.pretrainWeightDecay : c.weightDecay;
      const maxLr = pretrain ? c.pretrainMaxLr : c.maxLr;
      const divFactor = pretrain ? c.pretrainDivFactor : c.divFactor;
      return {
        loss: withL2(smoothBceWithLogits(c.labelSmoothing), getModel, weightDecay),
        optimizer: () => adamW({ learningRate: c.learningRate, weightDecay: 0, epsilon: 1e-8 }),
        schedule: oneCycle({ maxLr, totalSteps: Math.max(1, epochs * stepsPerEpoch), pctStart: c.pctStart, divFactor }),
      };
    }
  }
}
