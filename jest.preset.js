// Shared jest settings: every project's jest.config.js spreads this.
// swc strips types (fast); `npm run typecheck` is the type gate.
// Some dependencies ship ESM only (hyparquet, ml-kmeans and its mljs helpers):
// jest transforms them to CommonJS; at run time Node >= 20.19 loads them as they are.
const path = require('path');

const libs = ['cv', 'dsp', 'features', 'io', 'layers', 'metrics'];
const moduleNameMapper = Object.fromEntries(
  libs.map((l) => [`^@repro/${l}$`, path.join(__dirname, 'libs', l, 'src', 'index.ts')]),
);

const esmOnly = [
  'hyparquet', 'hyparquet-writer', 'ml-kmeans', 'ml-distance-euclidean', 'ml-nearest-vector', 'ml-spectra-processing',
  'is-any-array', 'ml-xsadd', 'cheminfo-types', 'ml-regression-simple-linear', 'ml-regression-base', 'spline-interpolator',
  'binary-search', 'ml-array-[a-z-]+', 'fft\\.js',
];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper,
  testMatch: ['**/*.test.ts'],
  testTimeout: 120000,
};
