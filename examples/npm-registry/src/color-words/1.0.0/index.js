exports.version = '1.0.0';
exports.paint = (s) => `*${s}* (color-words 1.0.0)`;
