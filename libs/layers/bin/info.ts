// `nx run layers:info`: which TensorFlow.js backend runs here, and why not the better ones.
import { initBackend, missingCudaLibraries, tf, type BackendChoice } from '@repro/layers';

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--backend');
  const backend = flag > 0 ? (process.argv[flag + 1] as BackendChoice) : undefined;
  const info = await initBackend({ backend, log: null });
  const lines = [
    `backend:   ${info.backend}`,
    `package:   ${info.package} (tfjs ${tf.version.tfjs})`,
    `device:    ${info.device}`,
    `requested: ${info.requested}`,
    ...(info.adapter
      ? [
          `adapter:   ${info.adapter.name}${info.adapter.software ? ' (software, on the CPU)' : ''}`,
          `  limits:  largest buffer ${(info.adapter.maxBufferSize / 2 ** 20).toFixed(0)} MiB, largest tensor bound to a kernel ${(info.adapter.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB`,
        ]
      : []),
    ...info.skipped.map((s) => `not used:  ${s.package}: ${s.reason}`),
    `cuda libs: ${missingCudaLibraries().length ? `missing ${missingCudaLibraries().join(', ')}` : 'libcudart.so.11.0 and libcudnn.so.8 found'}`,
    `node:      ${process.version}, ${process.platform}-${process.arch}`,
  ];
  // A quick matmul tells the user what this backend delivers, not just its name.
  const n = 512;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  await tf.matMul(a, b).data();
  const t0 = process.hrtime.bigint();
  const reps = 5;
  for (let i = 0; i < reps; i++) {
    const c = tf.matMul(a, b);
    await c.data(); // data(), not dataSync(): webgpu cannot read back synchronously in Node
    c.dispose();
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  lines.push(`matmul:    ${n}x${n} x${reps} in ${s.toFixed(3)} s = ${((2 * n ** 3 * reps) / s / 1e9).toFixed(1)} GFLOP/s`);
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
