/**
 * Cold start in a fresh process, bundled by bench/run.ts: (1) importing the built Lambda bundle, (2) reading the
 * compiled rules and building the index. Prints one JSON line: { importMs, loadRulesMs, rules }.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseBundle, RuleEngine } from '../lambda/sigma/runtime.ts';

const [lambdaBundle, rulesBundle] = process.argv.slice(2);

let started = performance.now();
await import(pathToFileURL(lambdaBundle!).href);
const importMs = performance.now() - started;

started = performance.now();
const engine = new RuleEngine(parseBundle(readFileSync(rulesBundle!, 'utf8'), rulesBundle).rules);
const loadRulesMs = performance.now() - started;

process.stdout.write(`${JSON.stringify({ importMs, loadRulesMs, rules: engine.rules.length })}\n`);
