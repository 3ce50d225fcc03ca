// Time a part of the kaggle-scale HMS generation and extrapolate to the whole set (the full set is
// ~40 GB and hours of CPU; the generator streams it one recording at a time, so the part's files
// are exactly the full run's first files).
//
//   npx tsx tools/synth/hms/bench.ts [--eegs 200] [--data-dir /tmp/hms-kaggle-part] [--seed 42] [--workers N]
//
// CPU time is the whole process's (worker threads included). With N workers the wall estimate
// assumes the part's parallel speed holds for the whole set; time it on a quiet machine.
import * as fs from 'fs';
import * as path from 'path';
import { parseCliArgs } from '@repro/io';
import { generateHms, planHms } from './generate';
import { defaultSynthWorkers } from './parallel';

function dirBytes(d: string): number {
  return fs.existsSync(d) ? fs.readdirSync(d).reduce((s, f) => s + fs.statSync(path.join(d, f)).size, 0) : 0;
}

async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const wantEegs = Number(args.overrides.eegs ?? 200);
  const seed = args.seed ?? 42;
  const workers = Number(args.overrides.workers ?? defaultSynthWorkers());
  const out = path.resolve(args.dataDir ?? '/tmp/hms-kaggle-part');
  const plan = planHms('kaggle', seed);
  let nRec = 0;
  let nEeg = 0;
  while (nRec < plan.recordings.length && nEeg < wantEegs) nEeg += plan.recordings[nRec++].eegs.length;
  const part = plan.recordings.slice(0, nRec);
  const sum = <T>(xs: T[], f: (x: T) => number): number => xs.reduce((s, x) => s + f(x), 0);
  const partRecSeconds = sum(part, (r) => r.seconds);
  const allRecSeconds = sum(plan.recordings, (r) => r.seconds);
  const partEegSeconds = sum(part, (r) => sum(r.eegs, (i) => plan.eegs[i].seconds));
  const allEegSeconds = sum(plan.eegs, (e) => e.seconds);

  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  await generateHms({ outDir: out, scale: 'kaggle', seed, workers, log: (l) => console.log(l) }, { maxRecordings: nRec, maxTestRecordings: 0 });
  const wall = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const eegBytes = dirBytes(path.join(out, 'train_eegs'));
  const specBytes = dirBytes(path.join(out, 'train_spectrograms'));
  const scaleT = allRecSeconds / partRecSeconds;
  const estEeg = (eegBytes / partEegSeconds) * allEegSeconds;
  const estSpec = (specBytes / partRecSeconds) * allRecSeconds;
  const gb = (b: number): string => `${(b / 1e9).toFixed(2)} GB`;
  console.log(`part: ${nRec} of ${plan.recordings.length} recordings, ${nEeg} of ${plan.eegs.length} EEGs, ${partRecSeconds} of ${allRecSeconds} recording seconds`);
  console.log(`part: ${wall.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU; EEG parquet ${gb(eegBytes)}, spectrogram parquet ${gb(specBytes)}`);
  console.log(
    `kaggle estimate (x${scaleT.toFixed(1)} by recording seconds): ${(wall * scaleT / 3600).toFixed(2)} h wall, ` +
      `${(cpuS * scaleT / 3600).toFixed(2)} h CPU (${workers} worker${workers > 1 ? 's' : ''}); train_eegs ${gb(estEeg)}, train_spectrograms ${gb(estSpec)}, total ${gb(estEeg + estSpec)}`,
  );
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
