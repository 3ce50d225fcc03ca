// `nx run moa:train`: the features once, then every member of the config, one after the other or
// (train.workers > 1) each in a worker process that re-runs this command for one member with the
// parent's fitted feature state.
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WorkerPool, withWorkerPool } from '@repro/cv';
import { readJson, solutionInputs, writeJson, type SolutionContext } from '@repro/io';
import type { BackendInfo } from '@repro/layers';
import type { MemberKind, MoaConfig } from './config';
import type { FeatureState } from './features';
import { loadTrainData } from './load';
import { RunPlace, computeFeatures, memberRunId, openMemberRun, SOLUTION, trainMember } from './train';

/** The run place of a command: runs root, config name, seed (0 unless --seed), run id. */
export function runPlace(ctx: SolutionContext<MoaConfig, BackendInfo>): RunPlace {
  return { root: ctx.runsRoot, configName: ctx.configName, seed: ctx.seed, runId: ctx.runId };
}

export async function trainMembers(ctx: SolutionContext<MoaConfig, BackendInfo>): Promise<void> {
  const { config } = ctx;
  const log = (l: string) => console.log(l);
  const place = runPlace(ctx);
  const isWorker = ctx.flags?.['features-state'] !== undefined;
  const { inputs, dataLine } = solutionInputs(config.data.dir, __dirname);
  log(dataLine);
  // The parent re-creates (--fresh), locks and checks every member's folder before any worker
  // starts; workers then resume in them under the parent's lock.
  place.inputs = inputs;
  place.fresh = ctx.fresh && !isWorker;
  if (!isWorker) for (const kind of config.members) openMemberRun(place, config, kind, log).note(`moa train (${ctx.configName}, seed ${place.seed}): ${dataLine}`);
  place.fresh = false;
  const data = await loadTrainData(config.data.dir);
  // A worker gets the parent's fitted feature state (RankGauss, PCA, K-Means are fitted once).
  const state = isWorker ? readJson<FeatureState>(ctx.flags!['features-state']!) : undefined;
  const f0 = performance.now();
  const features = computeFeatures(data, config, log, state);
  const prepareSeconds = (performance.now() - f0) / 1000;
  const results: { kind: MemberKind; oofLogLoss: number; seconds: number; dir: string }[] = [];
  const workers = Math.min(config.workers, config.members.length);
  if (workers > 1) {
    const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'moa-features-')), 'state.json');
    writeJson(stateFile, features.state);
    // Same command line for each member, without --member(s)/--fresh, plus the member and the feature state.
    const drop = new Set(['--member', '--members', '--fresh']);
    const rest = (ctx.argv ?? []).filter((a, i, all) => !drop.has(a) && ![...drop].some((d) => a.startsWith(`${d}=`)) && !(all[i - 1] === '--member' || all[i - 1] === '--members'));
    // Most fold fits first (transfer's seed averaging doubles its work), so the long member
    // does not start last and leave one core idle at the end.
    const fits = (k: MemberKind) => config[k].folds * config[k].seeds.length;
    const order = [...config.members].sort((a, b) => fits(b) - fits(a));
    log(`[moa] training members ${order.join(', ')} in ${workers} worker processes`);
    const pool = new WorkerPool(order, workers, (k) => `member ${k}`, (k) =>
      fork(ctx.cliPath, [...rest, '--member', k, '--workers', '1', '--features-state', stateFile], { stdio: 'inherit' }),
    );
    try {
      await withWorkerPool(pool, () => Promise.all(config.members.map((k) => pool.wait(`member ${k}`))));
    } finally {
      fs.rmSync(path.dirname(stateFile), { recursive: true, force: true });
    }
    for (const kind of config.members) {
      const dir = path.join(place.root, SOLUTION, memberRunId(place, kind));
      const m = readJson<{ oofLogLoss: number; trainSeconds: number }>(path.join(dir, 'metrics.json'));
      results.push({ kind, oofLogLoss: m.oofLogLoss, seconds: m.trainSeconds, dir });
    }
  } else {
    for (const kind of config.members) results.push(await trainMember({ kind, config, data, features, place, log }));
  }
  log(`\nmoa train (${ctx.configName}, backend ${ctx.backendInfo.backend}):`);
  for (const r of results) log(`  ${r.kind.padEnd(9)} OOF log loss ${r.oofLogLoss.toFixed(6)}  ${r.seconds.toFixed(0)}s  ${r.dir}`);
  if (config.maxSteps !== undefined && !isWorker) {
    // Each member run holds its projection; the whole recipe is their sum (members in sequence) plus the features.
    const hours = results.map((r) => readJson<{ projected_full_train_hours?: number }>(path.join(r.dir, 'metrics.json')).projected_full_train_hours ?? NaN);
    const total = hours.reduce((a, b) => a + b, 0);
    log(`projected full training (--max-steps ${config.maxSteps}, ${ctx.backendInfo.backend}): ${results.map((r, i) => `${r.kind} ${hours[i].toFixed(2)} h`).join(', ')}; all members ${total.toFixed(2)} h + features ${(prepareSeconds / 60).toFixed(1)} min = ${(total + prepareSeconds / 3600).toFixed(2)} h`);
  }
}
