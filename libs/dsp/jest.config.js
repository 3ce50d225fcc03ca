module.exports = { ...require('../../jest.preset.js'), displayName: 'dsp', rootDir: __dirname };
