#!/usr/bin/env node
// A stable file for the bin link (dist/ does not exist until the package is built).
import '../dist/cli.js';
