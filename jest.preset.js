// Shared jest settings: every project's jest.config.js spreads this.
// swc strips types (fast); `npm run typecheck` is the type gate.
// hyparquet(-writer) ship ESM only, so they are transformed to CommonJS too.
const path = require('path');

const libs = ['cv', 'dsp', 'features', 'io', 'layers', 'metrics'];
const moduleNameMapper = Object.fromEntries(
  libs.map((l) => [`^@repro/${l}$`, path.join(__dirname, 'libs', l, 'src', 'index.ts')]),
);

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
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer)/)'],
  moduleNameMapper,
  testMatch: ['**/*.test.ts'],
  testTimeout: 120000,
};
