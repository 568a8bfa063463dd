const pad = require('pad-left');
exports.frame = (s) => '[' + pad(s, s.length + 2) + '] (@demo/format 1.0.0)';
