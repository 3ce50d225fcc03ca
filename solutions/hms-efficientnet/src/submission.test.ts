// The submission rules (test.csv against sample_submission.csv, required ensemble members, the
// sample's order) through this solution's infer and ensemble: libs/io's shared HMS suite.
import * as path from 'path';
import { describeHmsSubmissionRules, loadConfig } from '@repro/io';
import type { BackendInfo } from '@repro/layers';
import type { HmsEfficientnetConfig } from './config';
import { ensemble } from './ensemble';
import { infer } from './infer';

/** The smoke config on the suite's data folder. */
function smoke(dataDir: string): HmsEfficientnetConfig {
  const c = loadConfig<HmsEfficientnetConfig>(path.join(__dirname, '..'), 'smoke');
  c.data.dir = dataDir;
  return c;
}

describeHmsSubmissionRules<HmsEfficientnetConfig>({
  solution: 'hms-efficientnet',
  config: smoke,
  infer: (config, runsRoot) => infer({ config, configName: 'smoke', configFile: '', seed: 1, runsRoot, backend: 'cpu', backendInfo: { summary: '' } as BackendInfo, cliPath: '' }),
  ensemble: (config, runsRoot, { runs, members }) => ensemble({ config: runs ? { ...config, ensemble: { ...config.ensemble, runs } } : config, runsRoot, members }),
});
