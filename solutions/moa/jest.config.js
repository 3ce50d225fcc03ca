module.exports = { ...require('../../jest.preset.js'), displayName: 'moa', rootDir: __dirname };
