exports.version = '2.1.0';
exports.paint = (s) => `*${s}* (color-words 2.1.0)`;
