// Step 7 of the write-up, "Models ensemble + max f1 score + GKF + OOF": every member (CBR / GRU /
// Transformer / WaveNet variant) of every run contributes its out-of-fold probabilities; blend
// weights are chosen on the OOF macro F1, then ten thresholds on the blend's expected number of
// open channels are searched to maximise the OOF macro F1 (the argmax is kept when it scores
// higher). The same weights and rule turn the members' test probabilities into submission.csv.
// The rules themselves are in decisionRules.ts; the per-group rules (ours) in groupRules.ts.
import * as fs from 'fs';
import * as path from 'path';
import { blendPredictions, optimizeBlendWeights } from '@repro/cv';
import {
  DataError,
  ION_N_CLASSES,
  ionSubmissionOrder,
  listRuns,
  loadNpy,
  readIonSwitchingSampleSubmission,
  readJson,
  saveNpy,
  takeRowsInOrder,
  openEnsembleDir,
  writeIonSwitchingSubmission,
  writeJson,
  type RunInfo,
} from '@repro/io';
import { macroF1 } from '@repro/metrics';
import type { IonSwitchingConfig } from './config';
import { applyRule, expectedValue, scaledArgmax, searchClassScales, searchThresholds, type Rule } from './decisionRules';
import { applyGroupRules, tuneGroupRules } from './groupRules';
import { loadAndClean, roundLabels } from './data';
import { argmaxRows } from './features';
import { perGroupF1, readTestTruth, SOLUTION, writeConfusionSvg } from './train';

const K = ION_N_CLASSES;

export interface EnsembleContext {
  config: IonSwitchingConfig;
  runsRoot: string;
  /**
   * --members: blend only these ('<member>' in every run, or '<runId>/<member>'; 'forest' is a
   * run's forest, 'hmm' its HMM posteriors). By default every member each run's config lists, and its forest.
   */
  members?: string[];
}

interface Member {
  name: string;
  oof: Float32Array;
  test: Float32Array;
}

/** Mean negative log probability of the true class (probabilities clipped at 1e-7). */
function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(p[i * K + y[i]], 1e-7));
  return s / y.length;
}

/**
 * Blend weights and decision rule tuned together on the OOF macro F1, from a starting candidate:
 * each round moves every weight along w <- (1 - t) w + t e_k over a fixed grid of t with the rule's
 * parameters held, keeping improvements, then re-searches the thresholds (or class scales) from
 * where they are. The weights above were chosen for the argmax or the log loss, not for the rule
 * that is finally applied; this closes that gap. Only improvements are kept, so the result is never
 * below the start. An argmax start is tuned as the class-scaled rule (all scales 1).
 */
export function tuneWeightsWithRule(
  preds: Float32Array[],
  y: ArrayLike<number>,
  start: { weights: ArrayLike<number>; rule: Rule; thresholds: readonly number[]; scales: readonly number[] },
  rounds: number,
  sweeps: number,
): { weights: Float64Array; rule: Rule; thresholds: number[]; scales: number[]; f1: number } {
  const rule: Rule = start.rule === 'argmax' ? 'class-scaled argmax' : start.rule;
  let th = start.thresholds.slice();
  let sc = start.rule === 'argmax' ? new Array<number>(K).fill(1) : start.scales.slice();
  let w: Float64Array = Float64Array.from(start.weights);
  const f1Of = (weights: ArrayLike<number>) => macroF1(y, applyRule(blendPredictions(preds, weights), rule, th, sc));
  let best = f1Of(w);
  const steps = [-0.5, -0.25, -0.12, -0.06, -0.03, 0.03, 0.06, 0.12, 0.25, 0.5];
  for (let r = 0; r < rounds && preds.length > 1; r++) {
    const before = best;
    for (let k = 0; k < preds.length; k++) {
      // t below -w_k / (1 - w_k) would make w_k negative.
      const lo = w[k] >= 1 ? 0 : -w[k] / (1 - w[k]);
      let bestW: Float64Array | undefined;
      for (const t of steps) {
        if (t < lo || t > 1) continue;
        const cand = Float64Array.from(w, (v, j) => Math.max(0, (1 - t) * v + (j === k ? t : 0)));
        const f = f1Of(cand);
        if (f > best) {
          best = f;
          bestW = cand;
        }
      }
      if (bestW) w = bestW;
    }
    const p = blendPredictions(preds, w);
    if (rule === 'thresholds') {
      const res = searchThresholds(expectedValue(p), y, sweeps, 24, th);
      if (res.f1 > best) [best, th] = [res.f1, res.thresholds];
    } else {
      const res = searchClassScales(p, y, sweeps, sc);
      if (res.f1 > best) [best, sc] = [res.f1, res.scales];
    }
    if (best - before < 1e-7) break;
  }
  const sum = w.reduce((a, b) => a + b, 0);
  return { weights: w.map((v) => v / sum), rule, thresholds: th, scales: sc, f1: best };
}

/** One option of the final choice and its OOF macro F1. */
export interface FinalOption {
  name: string;
  oofMacroF1: number;
}

/** The option with the highest OOF macro F1 (the earliest on a tie), and why, in words. */
export function chooseFinal(options: readonly FinalOption[]): { index: number; reason: string } {
  if (options.length === 0) throw new Error('chooseFinal: no option');
  let index = 0;
  options.forEach((o, k) => {
    if (o.oofMacroF1 > options[index].oofMacroF1) index = k;
  });
  const rest = options.filter((_, k) => k !== index);
  const runnerUp = rest.length ? rest.reduce((a, b) => (b.oofMacroF1 > a.oofMacroF1 ? b : a)) : undefined;
  const c = options[index];
  const reason = runnerUp
    ? `${c.name}: the highest OOF macro F1 (${c.oofMacroF1.toFixed(5)}), ${(c.oofMacroF1 - runnerUp.oofMacroF1).toFixed(5)} above the next, ${runnerUp.name} (${runnerUp.oofMacroF1.toFixed(5)})${c.oofMacroF1 === runnerUp.oofMacroF1 ? '; a tie goes to the earlier option' : ''}`
    : `${c.name}: the only option (${c.oofMacroF1.toFixed(5)})`;
  return { index, reason };
}

/** Why a member cannot be blended: the file at fault and which step makes it. */
interface Missing {
  file: string;
  reason: string;
  step: 'train' | 'infer';
}

/** A member's OOF and test probabilities from two .npy files, or why it cannot be blended. */
function readMember(name: string, oofFile: string, testFile: string, testStep: 'train' | 'infer', nTrain: number, nTest: number): Member | Missing {
  if (!fs.existsSync(oofFile)) return { file: oofFile, reason: `has no out-of-fold predictions (${path.basename(oofFile)}): its training is unfinished`, step: 'train' };
  if (!fs.existsSync(testFile)) {
    return { file: testFile, reason: `has no test predictions (${path.basename(testFile)})${testStep === 'infer' ? ': infer has not run for it' : ': its training is unfinished'}`, step: testStep };
  }
  const oof = loadNpy(oofFile).data as Float32Array;
  const test = loadNpy(testFile).data as Float32Array;
  if (oof.length !== nTrain * K) return { file: oofFile, reason: `has out-of-fold predictions for ${oof.length / K} rows, the data has ${nTrain} (trained on other data)`, step: 'train' };
  if (test.length !== nTest * K) return { file: testFile, reason: `has test predictions for ${test.length / K} rows, the data has ${nTest} (made on other data)`, step: testStep };
  if (oof.some((v) => Number.isNaN(v))) return { file: oofFile, reason: 'has out-of-fold predictions that do not cover every train row (training unfinished)', step: 'train' };
  return { name, oof, test };
}

const sameBytes = (a: Float32Array, b: Float32Array) =>
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

/** The `nx run ion-switching:<target>` command of a run: default ids are `<config>-seed<seed>`, others need --run-id. */
function runCommand(ctx: EnsembleContext, runId: string, target: 'train' | 'infer'): string {
  const m = /^(.+)-seed(\d+)$/.exec(runId);
  const run = m ? `--config ${m[1]} --seed ${m[2]}` : `--run-id ${runId} --config <the config it was trained with>`;
  const extra = `${ctx.config.data.dir !== 'data/ion-switching' ? ` --data-dir ${ctx.config.data.dir}` : ''}${ctx.runsRoot !== 'runs' ? ` --runs-dir ${ctx.runsRoot}` : ''}`;
  return `nx run ion-switching:${target} ${run}${extra}`;
}

/** A member a run's config promises: a network member, or the run's forest. */
interface Expected {
  name: string;
  run: RunInfo;
  member: string;
  oofFile: string;
  testFile: string;
  testStep: 'train' | 'infer';
}

/**
 * The members to blend: every member each run's config lists (and its forest, with
 * ensemble.forest and the run's features.rfc), or the --members subset. One whose predictions are
 * missing is an error naming the command that makes them: a blend of fewer members would write a
 * submission that looks like the full one.
 */
function loadMembers(ctx: EnsembleContext, nTrain: number, nTest: number, log: (l: string) => void): Member[] {
  const wanted = ctx.config.ensemble.runs;
  const runs = listRuns(ctx.runsRoot, SOLUTION).filter((r) => wanted.length === 0 || wanted.includes(r.id));
  for (const id of wanted) {
    if (!runs.some((r) => r.id === id)) throw new DataError(path.join(ctx.runsRoot, SOLUTION, id), `ensemble.runs names run '${id}', which does not exist`);
  }
  const expected: Expected[] = [];
  for (const r of runs) {
    const rc = readJson<Partial<IonSwitchingConfig>>(path.join(r.dir, 'config.json'));
    for (const m of rc.train?.members ?? []) {
      const dir = path.join(r.dir, 'members', m);
      expected.push({ name: `${r.id}/${m}`, run: r, member: m, oofFile: path.join(dir, 'oof.npy'), testFile: path.join(dir, 'test_pred.npy'), testStep: 'infer' });
    }
    // The forest's test probabilities are made with its OOF, by train.
    if (ctx.config.ensemble.forest && rc.features?.rfc?.enabled) {
      expected.push({ name: `${r.id}/forest`, run: r, member: 'forest', oofFile: path.join(r.dir, 'rfc', 'oof.npy'), testFile: path.join(r.dir, 'rfc', 'test.npy'), testStep: 'train' });
    }
    // The HMM posteriors (train and test) are made by train as well.
    if (ctx.config.ensemble.hmm && rc.features?.hmm?.enabled) {
      expected.push({ name: `${r.id}/hmm`, run: r, member: 'hmm', oofFile: path.join(r.dir, 'hmm', 'oof.npy'), testFile: path.join(r.dir, 'hmm', 'test.npy'), testStep: 'train' });
    }
  }
  let selected = expected;
  if (ctx.members) {
    const tokens = ctx.members;
    const matches = (e: Expected, t: string) => t === e.name || t === e.member;
    const unknown = tokens.filter((t) => !expected.some((e) => matches(e, t)));
    if (unknown.length || tokens.length === 0) {
      throw new DataError(
        path.join(ctx.runsRoot, SOLUTION),
        `--members names ${unknown.map((t) => `'${t}'`).join(', ') || 'no member'}, which matches no member (members: ${expected.map((e) => e.name).join(', ') || 'none: no trained run here'}; a bare name such as 'wavenet', 'forest' or 'hmm' means that member of every run)`,
      );
    }
    selected = expected.filter((e) => tokens.some((t) => matches(e, t)));
  }
  const members: Member[] = [];
  for (const e of selected) {
    const m = readMember(e.name, e.oofFile, e.testFile, e.testStep, nTrain, nTest);
    if ('reason' in m) {
      const others = selected.filter((x) => x !== e).map((x) => x.name);
      throw new DataError(
        m.file,
        `ensemble member '${e.name}' ${m.reason}; make its predictions with \`${runCommand(ctx, e.run.id, m.step)}\`` +
          (others.length ? `, or leave it out with --members ${others.join(',')}` : ''),
      );
    }
    // Runs with the same seed, data and forest settings share one forest: blend it once (the HMM
    // depends on no seed: runs on the same data share it).
    const same = e.member === 'forest' || e.member === 'hmm' ? members.find((x) => x.name.endsWith(`/${e.member}`) && sameBytes(x.oof, m.oof)) : undefined;
    if (same) log(`  skip ${e.name}: the same ${e.member} as ${same.name}`);
    else members.push(m);
  }
  return members;
}

/** `nx run ion-switching:ensemble`. */
export async function ensemble(ctx: EnsembleContext): Promise<Record<string, unknown>> {
  const outDir = path.join(ctx.runsRoot, SOLUTION, 'ensemble');
  // Removed again if this ensemble fails before writing anything; otherwise the error goes to its log.
  const { log } = openEnsembleDir(outDir);
  const t0 = performance.now();
  // Cleaned as train cleans them: the rounding baseline (round the cleaned signal) is a candidate.
  const data = await loadAndClean(ctx.config, () => {});
  const train = data.train;
  const test = data.test;
  // Kaggle scores by sample_submission.csv's times, in its order: checked before blending.
  const sample = await readIonSwitchingSampleSubmission(ctx.config.data.dir);
  const order = ionSubmissionOrder(test, sample);
  const y = train.openChannels;
  const members = loadMembers(ctx, train.nRows, test.nRows, log);
  if (members.length === 0) {
    throw new DataError(path.join(ctx.runsRoot, SOLUTION), 'no member to blend (each needs members/<name>/oof.npy and test_pred.npy: run train and infer first)');
  }
  const sweeps = ctx.config.ensemble.thresholdSweeps;

  // Blend weights two ways, each followed by the threshold search; the better OOF result wins:
  // on the OOF macro F1 of the argmax (the metric itself, but flat in the weights), and on the
  // OOF log loss (smooth; calibrates the expected value the thresholds cut).
  const oofs = members.map((m) => m.oof);
  const byF1 = optimizeBlendWeights(oofs, (p) => -macroF1(y, argmaxRows(p, K)), { sweeps: 4, lineSteps: 12 });
  const byLogLoss = optimizeBlendWeights(oofs, (p) => logLoss(y, p), { sweeps: 4, lineSteps: 12 });
  const memberF1 = members.map((m) => macroF1(y, argmaxRows(m.oof, K)));
  // Each member with its own threshold and class-scale searches, so the ensemble is compared like with like.
  const memberTh = members.map((m) => searchThresholds(expectedValue(m.oof), y, sweeps));
  const memberSc = members.map((m) => searchClassScales(m.oof, y, sweeps));
  // Three rules per candidate: argmax, thresholds on the expected value (searched from rounding and
  // from the best member's own thresholds), class-scaled argmax. A member alone (one-hot weights) is
  // a candidate too, so the chosen rule is never below any member's best rule on OOF.
  const bestOwn = memberTh.reduce((a, b) => (b.f1 > a.f1 ? b : a));
  const rate = (c: { objective: string; weights: Float64Array | number[]; oof: Float32Array; argmaxF1: number; th: ReturnType<typeof searchThresholds>; sc: ReturnType<typeof searchClassScales> }) => {
    const rules = [
      { rule: 'argmax' as Rule, f1: c.argmaxF1 },
      { rule: 'thresholds' as Rule, f1: c.th.f1 },
      { rule: 'class-scaled argmax' as Rule, f1: c.sc.f1 },
    ];
    const r = rules.reduce((a, b) => (b.f1 > a.f1 ? b : a));
    return { ...c, rule: r.rule, final: r.f1 };
  };
  const blends = [
    { objective: 'oof macro F1 (argmax)', weights: byF1.weights },
    { objective: 'oof log loss', weights: byLogLoss.weights },
  ].map((c) => {
    const oof = blendPredictions(oofs, c.weights);
    const argmaxF1 = macroF1(y, argmaxRows(oof, K));
    const ev = expectedValue(oof);
    const fromRounding = searchThresholds(ev, y, sweeps);
    const fromMember = searchThresholds(ev, y, sweeps, 24, bestOwn.thresholds);
    const th = fromMember.f1 > fromRounding.f1 ? { ...fromMember, roundingF1: fromRounding.roundingF1 } : fromRounding;
    return rate({ ...c, oof, argmaxF1, th, sc: searchClassScales(oof, y, sweeps) });
  });
  const alone = members.map((m, k) =>
    rate({ objective: `member ${m.name} alone`, weights: Float64Array.from(members, (_, j) => (j === k ? 1 : 0)), oof: m.oof, argmaxF1: memberF1[k], th: memberTh[k], sc: memberSc[k] }),
  );
  const separate = members.length > 1 ? [...blends, ...alone] : blends;
  // Weights and rule tuned together, from the best candidate so far and from the best blend.
  type Candidate = (typeof separate)[number];
  const together = (c: Candidate): Candidate => {
    const t = tuneWeightsWithRule(oofs, y, { weights: c.weights, rule: c.rule, thresholds: c.th.thresholds, scales: c.sc.scales }, ctx.config.ensemble.jointRounds, sweeps);
    const oof = blendPredictions(oofs, t.weights);
    const th = searchThresholds(expectedValue(oof), y, 0, 24, t.thresholds); // scores t.thresholds (and rounding) on this blend
    const sc = { scales: t.scales, f1: macroF1(y, scaledArgmax(oof, t.scales)) };
    return { objective: `${c.objective}, then weights and ${t.rule} tuned together`, weights: t.weights, oof, argmaxF1: macroF1(y, argmaxRows(oof, K)), th, sc, rule: t.rule, final: t.f1 };
  };
  const byFinal = (a: Candidate, b: Candidate) => (b.final > a.final ? b : a);
  const starts = [...new Set([separate.reduce(byFinal), blends.reduce(byFinal)])];
  const joint = members.length > 1 && ctx.config.ensemble.jointRounds > 0 ? starts.map(together) : [];
  const candidates = [...separate, ...joint];
  // The final choice, on OOF only: the best blend (weights and rule tuned as above), each member
  // alone with its own best rule, and the trivial baseline, rounding the cleaned signal; the
  // highest OOF macro F1 wins (on a tie the earlier option). So the submission is never worse on
  // OOF than rounding or any member.
  const blended = [...blends, ...joint].reduce(byFinal);
  const options: FinalOption[] = [
    { name: `blend (${blended.objective}; rule ${blended.rule})`, oofMacroF1: blended.final },
    ...alone.map((c, k) => ({ name: `member ${members[k].name} alone (rule ${c.rule})`, oofMacroF1: c.final })),
    { name: 'rounding of the cleaned signal', oofMacroF1: data.roundingF1 },
  ];
  const choice = chooseFinal(options);
  const isRounding = choice.index === options.length - 1;
  const best = choice.index === 0 || isRounding ? blended : alone[choice.index - 1];
  log(`Blend of ${members.length} member(s) on ${train.nRows} OOF rows:`);
  members.forEach((m, k) =>
    log(
      `  ${m.name.padEnd(32)} OOF macro F1 ${memberF1[k].toFixed(5)} (argmax), ${memberTh[k].f1.toFixed(5)} (own thresholds), ${memberSc[k].f1.toFixed(5)} (own class scales)  weights ${blends.map((c) => c.weights[k].toFixed(4)).join(' / ')}`,
    ),
  );
  for (const c of blends) log(`  weights on ${c.objective}: blend argmax ${c.argmaxF1.toFixed(5)}, with searched thresholds ${c.th.f1.toFixed(5)}, class-scaled argmax ${c.sc.f1.toFixed(5)}`);
  for (const c of joint) log(`  ${c.objective}: ${c.final.toFixed(5)} (weights ${Array.from(c.weights, (v) => v.toFixed(4)).join(' / ')})`);
  const weights = best.weights;
  const oofBlend = best.oof;
  const testBlend = blendPredictions(members.map((m) => m.test), weights);
  const argmaxF1 = best.argmaxF1;
  const th = best.th;
  const label = (p: Float32Array) => applyRule(p, best.rule, th.thresholds, best.sc.scales);
  const chosenLabels = isRounding ? roundLabels(train.clean) : label(oofBlend);
  const chosenF1 = options[choice.index].oofMacroF1;
  // A rule per channel-count group (groupRules.ts), on what the chosen option's rule cuts: the
  // blend's expected value and probabilities, or the cleaned signal for rounding.
  const valueOf = (p: Float32Array, clean: Float32Array) => (isRounding ? clean : expectedValue(p));
  const grouped = ctx.config.ensemble.perGroupRules
    ? tuneGroupRules({
        y,
        group: train.group,
        labels: chosenLabels,
        value: valueOf(oofBlend, train.clean),
        p: isRounding ? null : oofBlend,
        thresholdStarts: !isRounding && best.rule === 'thresholds' ? [th.thresholds] : [],
        scaleStart: !isRounding && best.rule === 'class-scaled argmax' ? best.sc.scales : undefined,
        sweeps,
        passes: 2,
      })
    : undefined;
  const oofLabels = grouped ? grouped.labels : chosenLabels;
  const finalF1 = grouped ? grouped.f1 : chosenF1;
  const bestMember = Math.max(...memberF1);
  const bestMemberTh = Math.max(...memberTh.map((m) => m.f1));
  const bestMemberTuned = Math.max(bestMemberTh, ...memberSc.map((m) => m.f1));
  log(
    `Chosen (${best.objective.startsWith('member') ? best.objective : `weights on ${best.objective}`}): argmax ${argmaxF1.toFixed(5)}; expected value rounded ${th.roundingF1.toFixed(5)}; with searched thresholds ${th.f1.toFixed(5)}; class-scaled argmax ${best.sc.f1.toFixed(5)}; rule ${best.rule}`,
  );
  log(`Thresholds: ${th.thresholds.map((v) => v.toFixed(3)).join(', ')}; class scales: ${best.sc.scales.map((v) => v.toFixed(3)).join(', ')}`);
  log(
    `Ensemble OOF macro F1 = ${finalF1.toFixed(5)} vs best single member ${bestMember.toFixed(5)} (argmax) / ${bestMemberTh.toFixed(5)} (with its own thresholds) / ${bestMemberTuned.toFixed(5)} (its best rule)`,
  );
  log('Final choice on OOF macro F1:');
  options.forEach((o, k) => log(`  ${k === choice.index ? '*' : ' '} ${o.oofMacroF1.toFixed(5)}  ${o.name}`));
  log(`Final choice: ${choice.reason}`);
  const groupsBefore = perGroupF1(y, chosenLabels, train.group);
  const groups = perGroupF1(y, oofLabels, train.group);
  const fmtGroups = (g: Record<string, number>) => Object.entries(g).map(([n, v]) => `${n} ${v.toFixed(4)}`).join(', ');
  if (grouped) {
    log(`Per-group rules (ensemble.perGroupRules) on the choice: OOF macro F1 ${grouped.f1Before.toFixed(5)} -> ${grouped.f1.toFixed(5)}`);
    for (const r of grouped.rules) {
      const how = r.rule === 'thresholds' ? `thresholds ${r.thresholds!.map((v) => v.toFixed(3)).join(', ')}` : r.rule === 'class-scaled argmax' ? `class scales ${r.scales!.map((v) => v.toFixed(3)).join(', ')}` : 'the chosen rule';
      log(`  ${r.group.padEnd(8)} ${how}`);
    }
    log(`Per group before: ${fmtGroups(groupsBefore)}`);
  }
  log(`Per group: ${fmtGroups(groups)}`);

  const chosenTest = isRounding ? roundLabels(test.clean) : label(testBlend);
  const labels = grouped ? applyGroupRules(chosenTest, test.group, valueOf(testBlend, test.clean), isRounding ? null : testBlend, grouped.rules) : chosenTest;
  // Synthetic data only: the hidden test labels show whether the OOF-tuned choices carry over.
  const truth = readTestTruth(ctx.config.data.dir, test.nRows);
  const testF1 = truth && {
    ensemble: macroF1(truth.y, labels),
    members: Object.fromEntries(alone.map((c, k) => [members[k].name, { argmax: macroF1(truth.y, argmaxRows(members[k].test, K)), ownRule: macroF1(truth.y, applyRule(members[k].test, c.rule, c.th.thresholds, c.sc.scales)) }])),
    rounding: macroF1(truth.y, roundLabels(test.clean)),
    bayes: truth.bayes ?? null,
  };
  if (testF1) {
    log(
      `Test macro F1 (synthetic truth): ensemble ${testF1.ensemble.toFixed(5)}; ${Object.entries(testF1.members).map(([n, v]) => `${n} ${v.argmax.toFixed(5)} argmax / ${v.ownRule.toFixed(5)} own rule`).join('; ')}; rounding ${testF1.rounding.toFixed(5)}` +
        (truth.bayes !== undefined ? `; Bayes ceiling ${truth.bayes.toFixed(5)}` : ''),
    );
  }
  const submission = path.join(outDir, 'submission.csv');
  await writeIonSwitchingSubmission(submission, takeRowsInOrder(test.time, 1, order), takeRowsInOrder(labels, 1, order), { sample });
  // The chosen predictions as probabilities (rounding: one-hot of its labels).
  const oneHot = (l: Int32Array) => {
    const p = new Float32Array(l.length * K);
    l.forEach((k, i) => (p[i * K + k] = 1));
    return p;
  };
  saveNpy(path.join(outDir, 'oof.npy'), isRounding ? oneHot(oofLabels) : oofBlend, [train.nRows, K]);
  saveNpy(path.join(outDir, 'test_pred.npy'), isRounding ? oneHot(labels) : testBlend, [test.nRows, K]);
  writeConfusionSvg(path.join(outDir, 'confusion_matrix.svg'), y, oofLabels, 'ion-switching ensemble: OOF confusion (row-normalised)');
  const metrics = {
    ensembleMacroF1: finalF1,
    blendArgmaxMacroF1: argmaxF1,
    blendRoundedMacroF1: th.roundingF1,
    blendThresholdMacroF1: th.f1,
    thresholds: th.thresholds,
    rule: isRounding ? 'rounding' : best.rule,
    choice: { chosen: options[choice.index].name, reason: choice.reason, options },
    roundingMacroF1: data.roundingF1,
    classScales: best.sc.scales,
    blendClassScaledMacroF1: best.sc.f1,
    bestMemberTunedMacroF1: bestMemberTuned,
    bestMemberMacroF1: bestMember,
    bestMemberWithThresholdsMacroF1: bestMemberTh,
    perGroup: groups,
    groupRules: grouped ? { oofMacroF1Before: grouped.f1Before, oofMacroF1: grouped.f1, rules: grouped.rules, perGroupBefore: groupsBefore } : null,
    weightsObjective: best.objective,
    candidates: candidates.map((c) => ({ objective: c.objective, weights: Array.from(c.weights), argmaxMacroF1: c.argmaxF1, thresholdMacroF1: c.th.f1, classScaledMacroF1: c.sc.f1, rule: c.rule })),
    members: members.map((m, k) => ({ name: m.name, oofMacroF1: memberF1[k], withThresholdsMacroF1: memberTh[k].f1, withClassScalesMacroF1: memberSc[k].f1, weight: weights[k] })),
    nTest: test.nRows,
    testMacroF1: testF1 ?? null,
    submission,
    seconds: (performance.now() - t0) / 1000,
  };
  writeJson(path.join(outDir, 'metrics.json'), metrics);
  log(`Submission (${test.nRows} rows, ${isRounding ? 'rounding of the cleaned signal' : `rule ${metrics.rule}`}${grouped?.rules.some((r) => r.rule !== 'as chosen') ? ', with per-group rules' : ''}) -> ${submission}`);
  return metrics;
}
