const { paint } = require('color-words');
const { frame } = require('@demo/format');
exports.greet = (name) => frame(paint(`hello, ${name}`));
