// The wasm backend's heap is one WebAssembly memory of at most 4 GiB; a batch that does not fit
// surfaces as a bare "RuntimeError: memory access out of bounds" (or an abort / failed grow) from
// inside a kernel. Say what was being computed, with what shapes, and what to do instead.
import { ResourceError } from '@repro/io';
import { tf } from '../backend';

const WASM_OOM = /memory access out of bounds|Aborted\(OOM\)|Aborted\(\)|out of memory|Cannot enlarge memory|Maximum memory size exceeded|WebAssembly\.Memory\.grow/i;

/** `err` as a ResourceError naming `what` when it is the backend running out of memory; else unchanged. */
export function explainBackendOom(err: unknown, what: string): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (!WASM_OOM.test(message) || err instanceof ResourceError) return err;
  const backend = tf.getBackend();
  const heap = backend === 'wasm' ? 'its heap is one WebAssembly memory of at most 4 GiB' : 'it could not allocate';
  return new ResourceError(
    `the ${backend} backend ran out of memory ${what} (${heap}; "${message}"): make the batch smaller ` +
      `(a smaller micro-batch with gradient accumulation keeps the optimizer batch) or use a backend without that limit ` +
      `(--backend cpu, or a GPU backend)`,
  );
}
