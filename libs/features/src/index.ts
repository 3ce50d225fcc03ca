// @repro/features: RankGauss, PCA, clustering, row statistics, lag features
// and forest probabilities land with the numerics issue (#3).
export {};
