// The submission rules (test.csv against sample_submission.csv, required ensemble members, the
// sample's order) through this solution's infer and ensemble: libs/io's shared HMS suite.
import * as path from 'path';
import { describeHmsSubmissionRules } from '@repro/io';
import type { BackendInfo } from '@repro/layers';
import type { HmsWavenetConfig } from './config';
import { ensemble } from './ensemble';
import { infer } from './infer';

describeHmsSubmissionRules<HmsWavenetConfig>({
  solution: 'hms-wavenet',
  solutionDir: path.join(__dirname, '..'),
  infer: (config, runsRoot) => infer({ config, configName: 'smoke', seed: 1, runsRoot, backendInfo: { summary: '' } as BackendInfo }),
  ensemble: (config, runsRoot, members) => ensemble({ config, runsRoot, members }),
});
