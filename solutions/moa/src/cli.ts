/**
 * Entry point for `nx run moa:<train|infer|ensemble>`:
 *
 *   tsx solutions/moa/src/cli.ts <target> [--config default] [--backend auto] [--seed 0] [--data-dir data/moa]
 *       [--run-id ID] [--runs-dir runs] [--member dense,tabnet] [--test-features file] [--out file] [--section.key value ...]
 *
 * Parses the arguments, loads the config (configs/<name>.json with `extends`
 * and dotted overrides), starts the TensorFlow.js backend (it logs which one)
 * and runs the target. Run folders: `<runs>/moa/<config>-<member>-seed<seed>/`
 * per member and `<runs>/moa/<config>-ensemble-seed<seed>/` (see train.ts).
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WorkerPool, withWorkerPool } from '@repro/cv';
import { loadSolutionConfig, parseCliArgs, readJson, runCliMain, solutionInputs, takeFlag, writeJson } from '@repro/io';
import { initBackend } from '@repro/layers';
import { MEMBER_KINDS, MemberKind, MoaConfig, validateConfig } from './config';
import { runEnsemble } from './ensemble';
import { runInfer } from './infer';
import { dataFile, loadTrainData } from './load';
import { RunPlace, computeFeatures, memberRunId, openMemberRun, SOLUTION, trainMember } from './train';
import type { FeatureState } from './features';

const SOLUTION_DIR = path.resolve(__dirname, '..');
const TARGETS = ['train', 'infer', 'ensemble'] as const;
/** Flags of this CLI that are not config keys. */
const OWN_FLAGS = ['runs-dir', 'member', 'test-features', 'out', 'features-state'] as const;

async function main(argv: string[]): Promise<void> {
  const target = argv[0];
  if (!TARGETS.includes(target as (typeof TARGETS)[number])) {
    throw new Error(`moa: expected a target (${TARGETS.join(', ')}) as the first argument, got '${target ?? ''}'`);
  }
  const args = parseCliArgs(argv.slice(1));
  const own = Object.fromEntries(OWN_FLAGS.map((k) => [k, takeFlag(args.overrides, k)]));
  const { config } = loadSolutionConfig<MoaConfig>(SOLUTION_DIR, args, args.overrides, validateConfig);
  if (own.member) {
    const list = own.member.split(',').map((s) => s.trim()) as MemberKind[];
    const bad = list.filter((m) => !MEMBER_KINDS.includes(m));
    if (bad.length) throw new Error(`--member: unknown member(s) ${bad.join(', ')} (expected ${MEMBER_KINDS.join(', ')})`);
    config.members = list;
  }
  const place: RunPlace = { root: own['runs-dir'] ?? process.env.MOA_RUNS_DIR ?? 'runs', configName: args.config, seed: args.seed ?? 0, runId: args.runId };
  const info = await initBackend({ backend: args.backend, log: (l) => console.log(l) });
  const log = (l: string) => console.log(l);

  if (target === 'train') {
    const isWorker = own['features-state'] !== undefined;
    const { inputs, dataLine } = solutionInputs(config.data.dir, __dirname);
    log(dataLine);
    // The parent re-creates (--fresh), locks and checks every member's folder before any worker
    // starts; workers then resume in them under the parent's lock.
    place.inputs = inputs;
    place.fresh = args.fresh && !isWorker;
    if (!isWorker) for (const kind of config.members) openMemberRun(place, config, kind, log).note(`moa train (${args.config}, seed ${place.seed}): ${dataLine}`);
    place.fresh = false;
    const data = await loadTrainData(config.data.dir);
    // A worker gets the parent's fitted feature state (RankGauss, PCA, K-Means are fitted once).
    const state = own['features-state'] ? readJson<FeatureState>(own['features-state']) : undefined;
    const f0 = performance.now();
    const features = computeFeatures(data, config, log, state);
    const prepareSeconds = (performance.now() - f0) / 1000;
    const results: { kind: MemberKind; oofLogLoss: number; seconds: number; dir: string }[] = [];
    const workers = Math.min(config.workers, config.members.length);
    if (workers > 1) {
      const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'moa-features-')), 'state.json');
      writeJson(stateFile, features.state);
      // Same command line for each member, without --member, plus the member and the feature state.
      const rest = argv
        .slice(1)
        .filter((a, i, all) => a !== '--member' && !a.startsWith('--member=') && all[i - 1] !== '--member' && a !== '--fresh' && !a.startsWith('--fresh='));
      // Most fold fits first (transfer's seed averaging doubles its work), so the long member
      // does not start last and leave one core idle at the end.
      const fits = (k: MemberKind) => config[k].folds * config[k].seeds.length;
      const order = [...config.members].sort((a, b) => fits(b) - fits(a));
      log(`[moa] training members ${order.join(', ')} in ${workers} worker processes`);
      const pool = new WorkerPool(order, workers, (k) => `member ${k}`, (k) =>
        fork(__filename, ['train', ...rest, '--member', k, '--workers', '1', '--features-state', stateFile], { stdio: 'inherit' }),
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
    log(`\nmoa train (${args.config}, backend ${info.backend}):`);
    for (const r of results) log(`  ${r.kind.padEnd(9)} OOF log loss ${r.oofLogLoss.toFixed(6)}  ${r.seconds.toFixed(0)}s  ${r.dir}`);
    if (config.maxSteps !== undefined && !isWorker) {
      // Each member run holds its projection; the whole recipe is their sum (members in sequence) plus the features.
      const hours = results.map((r) => readJson<{ projected_full_train_hours?: number }>(path.join(r.dir, 'metrics.json')).projected_full_train_hours ?? NaN);
      const total = hours.reduce((a, b) => a + b, 0);
      log(`projected full training (--max-steps ${config.maxSteps}, ${info.backend}): ${results.map((r, i) => `${r.kind} ${hours[i].toFixed(2)} h`).join(', ')}; all members ${total.toFixed(2)} h + features ${(prepareSeconds / 60).toFixed(1)} min = ${(total + prepareSeconds / 3600).toFixed(2)} h`);
    }
  } else if (target === 'ensemble') {
    const data = await loadTrainData(config.data.dir);
    await runEnsemble(config, data, place, log);
  } else {
    const testFile = own['test-features'] ?? dataFile(config.data.dir, 'testFeatures');
    await runInfer(config, place, { testFile, dataDir: config.data.dir, out: own.out }, log);
  }
}

// Bad input (DataError) prints one line naming the file, row and column; anything else its stack.
if (require.main === module) runCliMain('moa', main, process.argv.slice(2), { dataErrorPrefix: 'bad input: ' });
