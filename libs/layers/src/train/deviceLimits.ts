/**
 * WebGPU binds each tensor to a kernel as one storage buffer, and the adapter caps that size
 * (`maxStorageBufferBindingSize`: 128 MiB on llvmpipe, typically 2-4 GiB on a GPU). A tensor over
 * the cap does not fail with a message: the device reports a validation error and the results are
 * garbage or the device is lost. So before a model runs on webgpu, every layer's output at the
 * batch size about to be used is checked against the cap, and the first one over it is named.
 */
import { tf } from '../backend';
import { webgpuAdapter } from '../webgpu';
import { MultiHeadAttention } from '../blocks/multiHeadAttention';

export interface LargestTensor {
  layer: string;
  shape: number[];
  bytes: number;
}

function layersOf(model: tf.LayersModel): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  for (const l of model.layers) {
    if (l instanceof tf.LayersModel) out.push(...layersOf(l));
    else out.push(l);
  }
  return out;
}

/** Each layer's outputs at `batchSize` (float32), largest first; layers with unknown non-batch dimensions are left out. */
export function layerOutputSizes(model: tf.LayersModel, batchSize: number): LargestTensor[] {
  const sizes: LargestTensor[] = [];
  for (const layer of layersOf(model)) {
    let shapes: (number | null)[][];
    try {
      const s = layer.outputShape as (number | null)[] | (number | null)[][];
      shapes = Array.isArray(s[0]) ? (s as (number | null)[][]) : [s as (number | null)[]];
    } catch {
      continue; // a layer used at several shapes has no single outputShape
    }
    for (let i = 0; i < shapes.length; i++) {
      const s = shapes[i];
      if (!s.length || s.slice(1).some((d) => d === null)) continue;
      // The attention weights come out head-major, [nHead * batch, Tq, Tk].
      const lead = layer instanceof MultiHeadAttention && i === 1 && s.length === 3 ? (layer as unknown as { nHead: number }).nHead * batchSize : batchSize;
      const shape = s.map((d, k) => (k === 0 && d === null ? lead : (d as number)));
      sizes.push({ layer: layer.name, shape, bytes: shape.reduce((a, b) => a * b, 1) * 4 });
    }
  }
  return sizes.sort((a, b) => b.bytes - a.bytes);
}

const MiB = 2 ** 20;

/**
 * On webgpu: throws, naming the layer, its output shape and the adapter's limit, when a layer's
 * output at `batchSize` would not fit one storage buffer binding. Elsewhere: nothing.
 * `what` says where (e.g. 'training (micro-batch 16)').
 */
export function checkDeviceLimits(model: tf.LayersModel, batchSize: number, what: string): void {
  if (tf.getBackend() !== 'webgpu') return;
  const adapter = webgpuAdapter();
  if (!adapter) return;
  const limit = Math.min(adapter.maxStorageBufferBindingSize, adapter.maxBufferSize);
  const over = layerOutputSizes(model, batchSize).find((s) => s.bytes > limit);
  if (!over) return;
  const fits = Math.floor(batchSize * (limit / over.bytes));
  throw new Error(
    `${what}: layer '${over.layer}' would output [${over.shape.join(', ')}] float32 = ${(over.bytes / MiB).toFixed(0)} MiB at batch ${batchSize}, ` +
      `over the WebGPU adapter's ${(limit / MiB).toFixed(0)} MiB per-tensor limit (maxStorageBufferBindingSize of ${adapter.name}); ` +
      (fits >= 1 ? `a batch of at most ${fits} fits: lower the batch or the micro-batch size (train.microBatchSize / train.predictBatchSize)` : `even one example does not fit: use another backend (--backend wasm|cpu|tensorflow)`),
  );
}
