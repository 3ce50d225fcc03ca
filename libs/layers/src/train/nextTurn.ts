/**
 * One turn of the event loop. On the wasm and cpu backends every kernel runs synchronously, so a
 * loop over batches (training or prediction) never lets a signal handler (SIGINT/SIGTERM) or a
 * timer run until it ends; awaiting this once per batch lets them in.
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
