import { tf } from '../backend';

/**
 * tf.addN that works on webgpu: its AddN kernel binds every input as a storage buffer in one
 * shader, and WebGPU allows `maxStorageBuffersPerShaderStage` (8 by default, which tfjs 4.22 does
 * not raise) per stage, output included; with more inputs the pipeline is invalid and the sum
 * reads as zeros. On webgpu the inputs are summed in groups that fit; elsewhere this is tf.addN
 * itself (the same summation order, so cpu/wasm results are unchanged).
 */
export function addMany(tensors: tf.Tensor[]): tf.Tensor {
  if (tensors.length === 0) throw new Error('addMany: expected at least one tensor');
  const limit = maxInputs();
  if (tensors.length <= limit) return tf.addN(tensors);
  return tf.tidy(() => {
    let level: tf.Tensor[] = tensors;
    while (level.length > limit) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < level.length; i += limit) {
        const group = level.slice(i, i + limit);
        next.push(group.length === 1 ? group[0] : tf.addN(group));
      }
      level = next;
    }
    return tf.addN(level);
  });
}

function maxInputs(): number {
  if (tf.getBackend() !== 'webgpu') return Infinity;
  const device = (tf.backend() as unknown as { device?: { limits?: { maxStorageBuffersPerShaderStage?: number } } }).device;
  return Math.max(2, (device?.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
}
