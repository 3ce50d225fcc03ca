/**
 * Script for the worker test: trains the same forest with nJobs = 1 and
 * nJobs = 2 under `tsx` and prints a JSON summary. Run: npx tsx fixturesNjobs.ts
 */
import { HistRandomForestClassifier } from './histForest';
import { makeNonlinearClassification } from './synthetic';

async function main(): Promise<void> {
  const { X, y } = makeNonlinearClassification(3000, 8, 11);
  const a = new HistRandomForestClassifier({ nEstimators: 6, seed: 4, nJobs: 1 });
  const b = new HistRandomForestClassifier({ nEstimators: 6, seed: 4, nJobs: 2 });
  await a.train(X, y);
  await b.train(X, y);
  const pa = a.predictProbability(X);
  const pb = b.predictProbability(X);
  let identical = pa.length === pb.length;
  for (let i = 0; i < pa.length && identical; i++) identical = pa[i] === pb[i];
  let sum = 0;
  for (const v of pb) sum += v;
  process.stdout.write(JSON.stringify({ identical, nTrees: b.nTrees, nNodes: b.nNodes, probSum: sum, rows: X.rows }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
