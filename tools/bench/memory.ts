// Peak-memory probes shared by the train-step benchmarks (conv.bench.ts, seed000.bench.ts).
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { tf } from '../../libs/layers/src/backend';

/** Samples this process's RSS every `ms` from a worker (runs while the main thread computes). */
export function startRssSampler(ms = 50): { stop: () => Promise<number> } {
  const shared = new Float64Array(new SharedArrayBuffer(8));
  const code = `
    const { workerData, parentPort } = require('worker_threads');
    const fs = require('fs');
    const peak = new Float64Array(workerData.buf);
    const timer = setInterval(() => {
      const m = /VmRSS:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      if (m) peak[0] = Math.max(peak[0], Number(m[1]) * 1024);
    }, workerData.ms);
    parentPort.on('message', () => { clearInterval(timer); parentPort.postMessage('done'); });`;
  const w = new Worker(code, { eval: true, workerData: { buf: shared.buffer, ms } });
  return {
    stop: () =>
      new Promise((resolve) => {
        w.once('message', () => {
          void w.terminate();
          resolve(Math.max(shared[0], process.memoryUsage().rss));
        });
        w.postMessage('stop');
      }),
  };
}

export function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength;
}
