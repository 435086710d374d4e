#!/usr/bin/env node
// The leannet CLI. The TypeScript sources are compiled to dist/ by `npm run build` (run by `npm ci`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
