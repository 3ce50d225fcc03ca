// The seed's CustomModel: timm's tf_efficientnet_b0 (or efficientnet_b4) with a 6-way head on
// the merged 1-channel image. Here @repro/layers' EfficientNet (Keras layer names), logits out
// (the loss applies log-softmax, predictions softmax), ImageNet weights only from a local file.
import * as path from 'path';
import { batchNormLayers, buildEfficientNet, checkDeviceLimits, loadEfficientNetWeights, tf } from '@repro/layers';
import { DataError } from '@repro/io';
import type { HmsEfficientnetConfig } from './config';

export function buildModel(m: HmsEfficientnetConfig['model'], height: number, width: number, seed: number, channels = 1): tf.LayersModel {
  const model = buildEfficientNet({
    variant: m.variant,
    inputShape: [height, width, channels],
    nClasses: 6,
    widthScale: m.widthScale,
    dropRate: m.dropRate,
    dropConnectRate: m.dropConnectRate,
    activation: 'linear',
    pooling: m.pooling,
    seed,
  });
  // Keras convention (moving = m * moving + (1 - m) * batch). timm builds both tf_efficientnet_b0
  // and efficientnet_b4 with nn.BatchNorm2d's default momentum 0.1, i.e. 0.9 here.
  for (const l of batchNormLayers(model)) l.momentum = m.bnMomentum;
  // The seed's B4 is timm's efficientnet_b4 (PyTorch BN eps 1e-5); its B0, tf_efficientnet_b0,
  // keeps TF's 1e-3, which buildEfficientNet uses. The layer reads epsilon at call time.
  const eps = bnEpsilon(m.variant);
  for (const l of batchNormLayers(model)) (l as unknown as { epsilon: number }).epsilon = eps;
  return model;
}

/** BatchNorm epsilon of the seed's timm model for a variant: efficientnet_b4 1e-5, tf_efficientnet_b0 1e-3. */
export function bnEpsilon(variant: HmsEfficientnetConfig['model']['variant']): number {
  return variant === 'b4' ? 1e-5 : 1e-3;
}

/** Classifier at the prior: kernel 0 and bias log(prior), so softmax(logits) = prior for every image. */
export function setPriorHead(model: tf.LayersModel, prior: ArrayLike<number>): void {
  const layer = model.getLayer('predictions');
  const [kernel, bias] = layer.getWeights();
  const next = [tf.zerosLike(kernel), tf.tensor1d(Array.from(prior, (p) => Math.log(Math.max(p, 1e-6))))];
  layer.setWeights(next);
  tf.dispose([...next]);
  if (bias.shape[0] !== prior.length) throw new Error(`setPriorHead: ${prior.length} prior values for ${bias.shape[0]} classes`);
}

/** Set the backbone from the user's weight file (1-channel stem: the RGB kernel averaged, as timm does). */
export async function loadPretrained(model: tf.LayersModel, file: string, configFile: string): Promise<string> {
  try {
    const r = await loadEfficientNetWeights(model, path.resolve(file), { stemChannels: 'average' });
    return `loaded ${r.loaded} weights from ${file}`;
  } catch (err) {
    throw new DataError(configFile, `model.weights '${file}': ${(err as Error).message}`);
  }
}

/**
 * Channels of the model input: the image once, or three times as the kernel's
 * `torch.cat([x, x, x], dim=3)` (the ImageNet stem's RGB), plus the row-position channel last.
 * 1 = image, 2 = image + position, 3 = image x 3, 4 = image x 3 + position.
 */
export function inputChannels(positionChannel: boolean, imageChannels: 1 | 3 = 1): number {
  return imageChannels + (positionChannel ? 1 : 0);
}

/** Write one [h, w] image into `dst` as [h, w, channels] in the layout of `inputChannels`. */
export function writeImage(dst: Float32Array, offset: number, img: ArrayLike<number>, height: number, width: number, channels: number): void {
  if (channels === 1) {
    for (let i = 0; i < height * width; i++) dst[offset + i] = img[i];
    return;
  }
  // An even count carries the position channel last (see inputChannels).
  const position = channels % 2 === 0;
  const copies = position ? channels - 1 : channels;
  for (let y = 0; y < height; y++) {
    const pos = height > 1 ? (2 * y) / (height - 1) - 1 : 0;
    for (let x = 0; x < width; x++) {
      const o = offset + (y * width + x) * channels;
      const v = img[y * width + x];
      for (let c = 0; c < copies; c++) dst[o + c] = v;
      if (position) dst[o + copies] = pos;
    }
  }
}

/** Softmax probabilities of the given rows of x ([n, h, w] row-major), in `rows` order. */
export async function predictRows(model: tf.LayersModel, x: Float32Array, height: number, width: number, rows: ArrayLike<number>, batchSize: number): Promise<Float32Array> {
  const size = height * width;
  const channels = model.inputs[0].shape[3] ?? 1;
  const out = new Float32Array(rows.length * 6);
  checkDeviceLimits(model, Math.min(batchSize, rows.length), 'predicting');
  for (let s = 0; s < rows.length; s += batchSize) {
    const e = Math.min(rows.length, s + batchSize);
    const buf = new Float32Array((e - s) * size * channels);
    for (let i = s; i < e; i++) writeImage(buf, (i - s) * size * channels, x.subarray(rows[i] * size, (rows[i] + 1) * size), height, width, channels);
    const p = tf.tidy(() => tf.softmax(model.predict(tf.tensor4d(buf, [e - s, height, width, channels])) as tf.Tensor));
    out.set((await p.data()) as Float32Array, s * 6);
    p.dispose();
  }
  return out;
}
