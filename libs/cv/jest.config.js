module.exports = { ...require('../../jest.preset.js'), displayName: 'cv', rootDir: __dirname };
