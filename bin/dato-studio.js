#!/usr/bin/env node
'use strict';
// The CLI is bundled into dist/ by `npm run build` (run automatically by `npm install` via `prepare`).
const path = require('node:path');
let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'cli.js'));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('cli.js')) {
    console.error('dato-studio: the CLI is not built yet. Run `npm run build` in the DaTo Studio folder.');
    process.exit(2);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
