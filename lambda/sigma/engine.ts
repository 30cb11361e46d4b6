/** Loaded rules plus their candidate index: what the pipeline evaluates each record against. */
import type { CompiledRule } from './ir.ts';
import { loadRule } from './loader.ts';
import type { DetectionPool, LoadedRule, LoadOptions } from './loader.ts';
import { couldMatchText, evaluateView } from './evaluator.ts';
import { RuleIndex } from './ruleIndex.ts';
import { isRecordView, PlainRecordView } from './recordView.ts';
import { VerdictMemo } from './verdictMemo.ts';
import type { RecordView } from './recordView.ts';

export interface EngineOptions extends LoadOptions {
  /** Pick candidate rules through the index. @default true */
  readonly useIndex?: boolean;
  /** Reuse verdicts by the texts of the fields they depend on, where the view names them (verdictMemo.ts). @default true */
  readonly reuseVerdicts?: boolean;
}

export class RuleEngine {
  readonly rules: readonly LoadedRule[];
  readonly index: RuleIndex;
  private readonly useIndex: boolean;
  private readonly memo: VerdictMemo | undefined;

  constructor(rules: readonly CompiledRule[], options: EngineOptions = {}) {
    const pool: DetectionPool = new Map();
    this.rules = rules.map((r, i) => {
      try {
        return loadRule(r, options, pool);
      } catch (err) {
        throw new Error(`rule ${i + 1} (${String(r?.ruleFile)}): ${(err as Error).message}`, { cause: err });
      }
    });
    this.index = new RuleIndex(this.rules, couldMatchText);
    this.useIndex = options.useIndex !== false;
    this.memo = options.reuseVerdicts === false ? undefined : new VerdictMemo();
  }

  /** Rules worth evaluating for a record; `eventName`/`eventSource` are its top-level values. */
  candidates(view: RecordView, eventName: unknown, eventSource: unknown): readonly LoadedRule[] {
    return this.useIndex ? this.index.candidates(view, eventName, eventSource) : this.rules;
  }

  /**
   * The rules matching a record, in rule order (undefined: none); shared detections are evaluated once, and where
   * the view names values, verdicts and candidates are reused from earlier records with the same values.
   * `eventName`/`eventSource`: its top-level values, when the caller has them at hand.
   */
  evaluate(view: RecordView, eventName = view.get('eventName'), eventSource = view.get('eventSource')): LoadedRule[] | undefined {
    const epoch = this.nextEpoch();
    const memo = view.valueId ? this.memo : undefined;
    memo?.begin(view, epoch);
    const candidates = this.useIndex ? this.index.candidates(view, eventName, eventSource, memo) : this.rules;
    let matched: LoadedRule[] | undefined;
    for (const rule of candidates) if (memo ? memo.verdict(rule, view) : evaluateView(rule, view, epoch)) (matched ??= []).push(rule);
    return matched;
  }

  private epoch = 0;

  /** A new record: a new epoch for the detections' memo (wraps long before 2^53). */
  private nextEpoch(): number {
    this.epoch = this.epoch >= Number.MAX_SAFE_INTEGER ? 1 : this.epoch + 1;
    return this.epoch;
  }

  /** Every rule matching the record (a parsed object or a RecordView), in rule order. */
  match(record: object | RecordView): LoadedRule[] {
    const view = isRecordView(record) ? record : new PlainRecordView(record);
    return this.evaluate(view) ?? [];
  }
}
