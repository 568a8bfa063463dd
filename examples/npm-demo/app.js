// The demo app: requires what cairn installed.
const { greet } = require('greet');
const colors = require('color-words');
console.log(greet('cairn'));
console.log(`the app itself uses color-words ${colors.version} (greet has its own 2.x nested)`);
