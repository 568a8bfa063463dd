module.exports = () => 'old';
