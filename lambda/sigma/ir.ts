/**
 * The one intermediate form shared by the compiler, the evaluator and the candidate index.
 *
 *   Sigma YAML ──compiler.ts──▶ CompiledRule (plain JSON, bundled at build time)
 *              ──loader.ts────▶ LoadedRule (regexes built, matchers hydrated) ──evaluator.ts──▶ verdict
 *
 * Everything here is JSON-serialisable so a rule bundle can be written at build time and read at cold start.
 * Modifiers are resolved by the compiler: the evaluator never sees a `|modifier` string.
 */

/** Bumped on any change to the shape of the types below; a bundle with another version is refused. */
export const SCHEMA_VERSION = 2;

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

export const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;

/** How a compared string is matched. Values of case-insensitive matchers are lower-cased at compile time. */
export type StringOp = 'equals' | 'contains' | 'startswith' | 'endswith';

/**
 * A test applied to one value found in the record (a field value, an array member, or a keyword target).
 * Values that are numbers or booleans are compared as their string form; objects as their compact JSON text.
 */
export type Matcher =
  /** A plain or `contains`/`startswith`/`endswith` string with no wildcard left after unescaping. */
  | { kind: 'string'; op: StringOp; value: string; cased: boolean }
  /** A value with `*`/`?` wildcards, kept as glob tokens (no regular expression for plain wildcards). */
  | { kind: 'glob'; parts: GlobPart[]; cased: boolean }
  /** `|re` with its flags (`i`, `m`, `s`); an inline `(?i)` prefix is turned into the `i` flag. */
  | { kind: 're'; pattern: string; flags: string }
  /** `|cidr`: IPv4 or IPv6 network; a value that is not an IP address simply does not match. */
  | { kind: 'cidr'; family: 4 | 6; network: string; prefix: number }
  /**
   * `|gt`/`|gte`/`|lt`/`|lte`, and `eq` for a number written in the rule: numeric comparison with a record number
   * or a decimal numeric string.
   */
  | { kind: 'number'; op: NumberOp; value: number }
  /** `|fieldref`: compare with the value(s) of another field of the same record. */
  | { kind: 'fieldref'; op: StringOp; field: string; cased: boolean }
  /** The YAML value `null`: the field has no non-null value (absent, or JSON null). */
  | { kind: 'null' }
  /** `|exists: true|false`. */
  | { kind: 'exists'; exists: boolean }
  /** A list of values (OR), or one value expanded into alternatives (base64offset, windash, utf16…). */
  | { kind: 'any'; matchers: Matcher[] }
  /** `|all`: every matcher must hold, each for some value of the field (array members may differ). */
  | { kind: 'all'; matchers: Matcher[] }
  /** `|neq`: the field has a non-null value and the inner matcher holds for none of its values. */
  | { kind: 'not'; matcher: Matcher };

export type NumberOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

/** A glob token: a literal run (lower-cased unless cased), `*` (any run) or `?` (exactly one character). */
export type GlobPart = string | { wildcard: '*' | '?' };

/** One `field|modifiers: value(s)` entry of a detection map. */
export interface FieldTest {
  /** Dotted path as written in the rule; a literal key containing dots is tried first. */
  readonly field: string;
  readonly matcher: Matcher;
}

/**
 * A named search identifier of the detection section.
 * - `fields`: a map (AND of its tests) or a list of maps (OR of the maps): `anyOf[i]` is one map.
 * - `keywords`: a list of values searched in every string value of the record.
 */
export type Detection =
  | { kind: 'fields'; anyOf: FieldTest[][] }
  | { kind: 'keywords'; matcher: Matcher };

/** The condition, with `x of` patterns already expanded to the identifiers they name. */
export type Condition =
  | { op: 'and'; args: Condition[] }
  | { op: 'or'; args: Condition[] }
  | { op: 'not'; arg: Condition }
  | { op: 'ref'; name: string }
  | { op: 'const'; value: boolean };

export interface RuleMeta {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly level: Level;
  readonly description: string;
  readonly author: string;
  readonly references: string[];
  readonly tags: string[];
  readonly falsepositives: string[];
  readonly date: string;
  readonly modified: string;
  readonly logsource: Record<string, string>;
}

export interface CompiledRule {
  readonly meta: RuleMeta;
  /** The rule's YAML path relative to its rules folder, `#N` appended for the N-th document (N > 0). */
  readonly ruleFile: string;
  readonly detections: Record<string, Detection>;
  readonly condition: Condition;
}

/** The file the build writes and the Lambda and CLI read. */
export interface RuleBundle {
  readonly schemaVersion: number;
  readonly compilerVersion: string;
  /**
   * Each distinct detection once: rules of a pack repeat the same selections (`eventSource: iam.amazonaws.com`…),
   * so the file is smaller, and the loader shares one loaded detection between rules without comparing them.
   */
  readonly detections: Detection[];
  readonly rules: BundledRule[];
}

/** A rule in the bundle: its detections are indexes into the bundle's detection table. */
export type BundledRule = Omit<CompiledRule, 'detections'> & { readonly detections: Record<string, number> };

/** A read bundle: rules with their detections in place, identical ones the same object. */
export interface LoadedBundle {
  readonly schemaVersion: number;
  readonly compilerVersion: string;
  readonly rules: CompiledRule[];
}
