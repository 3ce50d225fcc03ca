/**
 * Opt-in: make `tf.clone` (the Identity kernel) share the buffer on the wasm
 * backend, as the cpu and webgl backends already do.
 *
 * tfjs' gradient tape keeps a clone of every tensor an op saves for its
 * backward pass (Multiply, Add, Mean, ... save their inputs), and tfjs-layers'
 * merge layers clone their first input. The wasm backend's Identity kernel
 * copies the data, so on wasm every saved activation is stored twice. A
 * Reshape-style alias (refcounted dataId, which wasm's own Reshape kernel
 * already uses) is safe because tfjs kernels never write into their inputs.
 * Measured on the WaveNet benchmark (tools/bench/conv.bench.ts): see its
 * `--share-clone` flag.
 *
 * This replaces a globally registered kernel, so it is not done on import:
 * call it once after `initBackend`. Returns whether it was installed.
 */
import { tf } from '../backend';

let installed = false;

/** Whether {@link shareCloneBuffersOnWasm} has replaced wasm's Identity kernel. */
export function cloneSharesBuffersOnWasm(): boolean {
  return installed;
}

/** Replaces wasm's copying Identity kernel with a zero-copy alias. Idempotent; false if wasm is not registered. */
export function shareCloneBuffersOnWasm(): boolean {
  if (installed) return true;
  if (tf.findBackendFactory('wasm') == null) return false;
  const original = tf.getKernel('Identity', 'wasm');
  if (!original) return false;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return (original.kernelFunc as tf.KernelFunc)(args);
      (args.backend as unknown as { incRef(id: tf.DataId): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  installed = true;
  return true;
}
