// Competition metrics at parity with the scorers the competitions used (sklearn / Kaggle).
export { accuracy } from './accuracy';
export { confusionMatrix, type ConfusionMatrix } from './confusionMatrix';
export { macroF1, macroF1FromCounts } from './macroF1';
export { perClassF1, type PerClassF1 } from './perClassF1';
export { binaryLogLoss } from './binaryLogLoss';
export { perColumnLogLoss } from './perColumnLogLoss';
export { columnwiseLogLoss } from './columnwiseLogLoss';
export { LOG_LOSS_EPSILON, type LogLossOptions } from './logLossOptions';
export { klDivergenceScore, type KlDivergenceOptions } from './klDivergenceScore';
export { votesToProbabilities } from './votesToProbabilities';
