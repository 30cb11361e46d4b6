/** Errors of the rule compiler. `rules check` maps them to `invalid` and `unsupported`. */

/** Base class: carries the place in the rule document where the problem is. */
export class RuleProblemError extends Error {
  /** Path inside the YAML document, e.g. `['detection', 'selection', 'eventName|all']`. */
  readonly path: readonly (string | number)[];
  constructor(message: string, path: readonly (string | number)[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuleProblemError';
    this.path = path;
  }
}

/** The rule is not valid Sigma: it names what is wrong and where. */
export class RuleCompileError extends RuleProblemError {
  constructor(message: string, path: readonly (string | number)[] = [], options?: ErrorOptions) {
    super(message, path, options);
    this.name = 'RuleCompileError';
  }
}

/** The rule is valid Sigma but uses something this engine does not run; `feature` names it. */
export class UnsupportedFeatureError extends RuleProblemError {
  readonly feature: string;
  constructor(feature: string, path: readonly (string | number)[] = [], options?: ErrorOptions) {
    super(feature, path, options);
    this.name = 'UnsupportedFeatureError';
    this.feature = feature;
  }
}

/** A rule bundle that cannot be used (unreadable, or written by another schema version). */
export class RuleBundleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuleBundleError';
  }
}
