// `train --max-steps N` as a user runs it before committing a machine to the full recipe: the whole
// pipeline with N optimizer steps per training, then a projection of the full training time in
// the log and metrics.json; the timing run never resumes into a full one.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readJson } from '@repro/io';
import { ok, root, runTsx, synthSmoke } from './cli';

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'max-steps-e2e-'))));
afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

const cli = path.join(root, 'solutions', 'hms-wavenet', 'src', 'cli.ts');
const train = (extra: string[]) =>
  runTsx([cli, 'train', '--config', 'smoke', '--data-dir', path.join(tmp, 'hms'), '--runs-dir', path.join(tmp, 'runs'), '--run-id', 'timing', ...extra], {
    timeout: 240_000,
    env: { ...process.env, TFJS_BACKEND: 'auto' },
  });

it('hms-wavenet --max-steps 1: every fold and stage takes one step, the projection covers the full recipe, and a full run refuses the timing run', () => {
  synthSmoke('hms', path.join(tmp, 'hms'));
  const r = ok(train(['--max-steps', '1']));
  const runDir = path.join(tmp, 'runs', 'hms-wavenet', 'timing');
  const m = readJson<Record<string, any>>(path.join(runDir, 'metrics.json'));
  const config = readJson<Record<string, any>>(path.join(runDir, 'config.json'));
  expect(config.maxSteps).toBe(1);
  expect(m.maxSteps).toBe(1);
  expect(['wasm', 'cpu', 'tensorflow']).toContain(m.backend);
  // One step per trainModel call: folds x stages.
  const stages = config.train.twoStage.enabled ? 2 : 1;
  expect(m.projection.calls).toBe(config.train.folds * stages);
  expect(m.projection.measured_steps).toBe(config.train.folds * stages);
  expect(m.projection.full_recipe_steps).toBeGreaterThan(m.projection.measured_steps);
  expect(m.projected_full_train_hours).toBeGreaterThan(0);
  expect(m.projected_full_run_hours).toBeGreaterThan(m.projected_full_train_hours);
  expect(m.peakRssGiB).toBeGreaterThan(0.05);
  const log = fs.readFileSync(path.join(runDir, 'log.txt'), 'utf8');
  expect(log).toMatch(/timing run \(--max-steps 1\): \d+ steps measured over \d+ trainings, [\d.]+ s\/step on \w+; the full recipe has \d+ steps: projected full training [\d.]+ h/);
  expect(log).toMatch(/peak RSS [\d.]+ GiB/);
  expect(r.stdout + r.stderr).toMatch(/projected full run/);
  // The same run id without --max-steps is another config: refused, not resumed from one step.
  const full = train([]);
  expect(full.status).not.toBe(0);
  expect(full.stderr).toMatch(/config changed since this run started \(maxSteps/);
});
