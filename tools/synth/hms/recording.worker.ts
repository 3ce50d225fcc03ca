// A worker thread of the HMS generator (see parallel.ts): writes the recordings it is sent, one at
// a time, and answers each with the bytes written (or the error).
import { parentPort } from 'worker_threads';
import { writeRecording } from './generate';
import type { RecordingJob } from './parallel';

const port = parentPort;
if (!port) throw new Error('recording.worker: expected to run in a worker thread');
port.on('message', (job: RecordingJob & { id: number }) => {
  writeRecording(job.outDir, job.seed, job.rec, job.members, job.variant).then(
    (bytes) => port.postMessage({ id: job.id, bytes }),
    (err: unknown) => port.postMessage({ id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
