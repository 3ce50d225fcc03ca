/**
 * Entry point for `nx run moa:<train|infer|ensemble>`:
 *
 *   tsx solutions/moa/src/cli.ts <target> [--config default] [--backend auto] [--seed 0] [--data-dir data/moa]
 *       [--run-id ID] [--runs-dir runs] [--member dense,tabnet] [--test-features file] [--out file] [--section.key value ...]
 *
 * @repro/io's runSolutionCli parses the arguments, loads the config (configs/<name>.json with
 * `extends` and dotted overrides), starts the TensorFlow.js backend and runs the target; the
 * target logs which backend. Run folders: `<runs>/moa/<config>-<member>-seed<seed>/` per member
 * and `<runs>/moa/<config>-ensemble-seed<seed>/` (see train.ts). --runs-dir defaults to
 * REPRO_RUNS_DIR, then the older MOA_RUNS_DIR, then `runs`. --member (or --members) limits the
 * members.
 */
import * as path from 'path';
import { runCliMain, runSolutionCli, solutionConfigResolver, type SolutionContext } from '@repro/io';
import { initBackend, type BackendInfo } from '@repro/layers';
import { MEMBER_KINDS, type MemberKind, type MoaConfig, validateConfig } from './config';
import { runEnsemble } from './ensemble';
import { runInfer } from './infer';
import { dataFile, loadTrainData } from './load';
import { runPlace, trainMembers } from './trainMembers';

type Ctx = SolutionContext<MoaConfig, BackendInfo>;
const resolve = solutionConfigResolver<MoaConfig>(path.resolve(__dirname, '..'), validateConfig);

/** The config's members, limited by --member/--members (each a known member). */
function withMembers(ctx: Ctx): Ctx {
  const given = ctx.flags?.member ?? ctx.members?.join(',');
  console.log(ctx.backendInfo.summary);
  if (!given) return ctx;
  const list = given.split(',').map((s) => s.trim()) as MemberKind[];
  const bad = list.filter((m) => !MEMBER_KINDS.includes(m));
  if (bad.length) throw new Error(`--member: unknown member(s) ${bad.join(', ')} (expected ${MEMBER_KINDS.join(', ')})`);
  return { ...ctx, config: { ...ctx.config, members: list } };
}

export function main(argv: string[]): Promise<void> {
  return runSolutionCli<MoaConfig, BackendInfo>(
    {
      name: 'moa',
      cliPath: __filename,
      defaultSeed: 0,
      flags: ['member', 'test-features', 'out', 'features-state'],
      runsDirEnv: 'MOA_RUNS_DIR',
      resolveConfig: resolve,
      initBackend,
      targets: {
        train: (ctx) => trainMembers(withMembers(ctx)),
        infer: async (c) => {
          const ctx = withMembers(c);
          await runInfer(ctx.config, runPlace(ctx), { testFile: ctx.flags?.['test-features'] ?? dataFile(ctx.config.data.dir, 'testFeatures'), dataDir: ctx.config.data.dir, out: ctx.flags?.out }, console.log);
        },
        ensemble: async (c) => {
          const ctx = withMembers(c);
          await runEnsemble(ctx.config, await loadTrainData(ctx.config.data.dir), runPlace(ctx), console.log);
        },
      },
    },
    argv,
  );
}

// Bad input (DataError) prints one line naming the file, row and column; anything else its stack.
if (require.main === module) runCliMain('moa', main, process.argv.slice(2), { dataErrorPrefix: 'bad input: ' });
