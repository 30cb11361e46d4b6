/** The Sigma engine's one way in: compile (build time), bundle, load and evaluate (run time). */
export type { CompiledRule, Condition, Detection, FieldTest, Level, LoadedBundle, Matcher, RuleBundle, RuleMeta } from './ir.ts';
export { LEVELS, SCHEMA_VERSION } from './ir.ts';
export { COMPILER_VERSION, compileRuleDocument, compileRuleFolders, compileRuleSource, listRuleFiles } from './compiler.ts';
export type { CompileOptions, RuleCheckResult, RuleStatus } from './compiler.ts';
export type { CompiledFilter } from './filters.ts';
export type { Placeholders } from './modifiers.ts';
export { bundleJson, makeBundle, parseBundle } from './bundle.ts';
export { loadRule } from './loader.ts';
export type { LoadedMatcher, LoadedRule, LoadOptions } from './loader.ts';
export { fieldConstraint } from './ruleIndex.ts';
export { evaluate } from './evaluator.ts';
export { RuleEngine } from './engine.ts';
export type { EngineOptions } from './engine.ts';
export type { RecordView } from './recordView.ts';
export { PlainRecordView } from './recordView.ts';
export { RuleBundleError, RuleCompileError, UnsupportedFeatureError } from './errors.ts';
