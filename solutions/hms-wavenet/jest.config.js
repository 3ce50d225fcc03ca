module.exports = { ...require('../../jest.preset.js'), displayName: 'hms-wavenet', rootDir: __dirname };
