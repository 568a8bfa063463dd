#!/usr/bin/env node
console.log(require('..').greet(process.argv[2] || 'world'));
