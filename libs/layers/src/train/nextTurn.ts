import { throwIfWebgpuError } from '../webgpu';

/**
 * One turn of the event loop. On the wasm and cpu backends every kernel runs synchronously, so a
 * loop over batches (training or prediction) never lets a signal handler (SIGINT/SIGTERM) or a
 * timer run until it ends; awaiting this once per batch lets them in. WebGPU's device errors
 * arrive as events too: one reported during the last batch is thrown here, so a loop stops at
 * the next batch instead of going on with dropped commands' zeros.
 */
export async function nextTurn(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfWebgpuError('(in the previous batch)');
}
