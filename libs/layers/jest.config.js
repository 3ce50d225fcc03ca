module.exports = { ...require('../../jest.preset.js'), displayName: 'layers', rootDir: __dirname };
