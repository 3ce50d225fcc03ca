module.exports = { ...require('../../jest.preset.js'), displayName: 'hms-efficientnet', rootDir: __dirname };
