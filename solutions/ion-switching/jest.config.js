module.exports = { ...require('../../jest.preset.js'), displayName: 'ion-switching', rootDir: __dirname };
