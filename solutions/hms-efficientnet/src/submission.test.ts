// The submission rules (test.csv against sample_submission.csv, required ensemble members, the
// sample's order) through this solution's infer and ensemble: libs/io's shared HMS suite.
import * as path from 'path';
import { describeHmsSubmissionRules } from '@repro/io';
import type { BackendInfo } from '@repro/layers';
import type { HmsEfficientnetConfig } from './config';
import { ensemble } from './ensemble';
import { infer } from './infer';

describeHmsSubmissionRules<HmsEfficientnetConfig>({
  solution: 'hms-efficientnet',
  solutionDir: path.join(__dirname, '..'),
  infer: (config, runsRoot) => infer({ config, configName: 'smoke', configFile: '', seed: 1, runsRoot, backend: 'cpu', backendInfo: { summary: '' } as BackendInfo, cliPath: '' }),
  ensemble: (config, runsRoot, members) => ensemble({ config, runsRoot, members }),
});
