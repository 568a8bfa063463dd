module.exports = (s, n) => ' '.repeat(Math.max(0, n - s.length)) + s;
