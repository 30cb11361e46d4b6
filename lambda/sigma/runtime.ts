/**
 * The run-time half of the engine, for the Lambda: load a bundle and evaluate. It leaves out the compiler and the
 * YAML parser, which only the build, the CLI and cdk/ need (see index.ts).
 */
export type { CompiledRule, Level, LoadedBundle, RuleBundle, RuleMeta } from './ir.ts';
export { LEVELS, SCHEMA_VERSION } from './ir.ts';
export { COMPILER_VERSION } from './version.ts';
export { parseBundle } from './bundle.ts';
export { loadRule } from './loader.ts';
export type { LoadedRule } from './loader.ts';
export { evaluate } from './evaluator.ts';
export { RuleEngine } from './engine.ts';
export type { RecordView } from './recordView.ts';
export { RuleBundleError } from './errors.ts';
