#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the installed command always matches the source.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
