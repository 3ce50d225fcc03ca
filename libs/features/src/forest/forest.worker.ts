/**
 * Worker-thread entry: grows trees on the shared binned matrix. Receives
 * `{ index, seed }` jobs, answers `{ index, tree }` (tree buffers transferred).
 */
import { parentPort, workerData } from 'worker_threads';
import { growTree, type BinnedData, type TreeConfig } from './tree';

interface WorkerInit {
  data: BinnedData;
  cfg: TreeConfig;
}

const init = workerData as WorkerInit;
const port = parentPort;
if (port) {
  port.on('message', (msg: { index: number; seed: number } | null) => {
    if (msg === null) {
      port.close();
      return;
    }
    try {
      const tree = growTree(init.data, init.cfg, msg.seed);
      port.postMessage({ index: msg.index, tree }, [
        tree.feature.buffer,
        tree.thresholdBin.buffer,
        tree.left.buffer,
        tree.right.buffer,
        tree.values.buffer,
      ] as ArrayBuffer[]);
    } catch (err) {
      port.postMessage({ index: msg.index, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    }
  });
}
