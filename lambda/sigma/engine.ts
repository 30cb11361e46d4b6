/** Loaded rules plus their candidate index: what the pipeline evaluates each record against. */
import type { CompiledRule } from './ir.ts';
import { loadRule } from './loader.ts';
import type { LoadedRule, LoadOptions } from './loader.ts';
import { couldMatchText, evaluate } from './evaluator.ts';
import { RuleIndex } from './ruleIndex.ts';
import { PlainRecordView } from './recordView.ts';
import type { RecordView } from './recordView.ts';

export interface EngineOptions extends LoadOptions {
  /** Pick candidate rules through the index. @default true */
  readonly useIndex?: boolean;
}

export class RuleEngine {
  readonly rules: readonly LoadedRule[];
  readonly index: RuleIndex;
  private readonly useIndex: boolean;

  constructor(rules: readonly CompiledRule[], options: EngineOptions = {}) {
    this.rules = rules.map((r) => loadRule(r, options));
    this.index = new RuleIndex(this.rules, couldMatchText);
    this.useIndex = options.useIndex !== false;
  }

  /** Rules worth evaluating for a record with these top-level values. */
  candidates(eventName: unknown, eventSource: unknown): readonly LoadedRule[] {
    return this.useIndex ? this.index.candidates(eventName, eventSource) : this.rules;
  }

  /** Every rule matching the record (a parsed object or a RecordView), in rule order. */
  match(record: object | RecordView): LoadedRule[] {
    const view = record instanceof PlainRecordView || !('root' in record && typeof record.root === 'function')
      ? new PlainRecordView(record)
      : (record as RecordView);
    const candidates = this.candidates(view.get('eventName'), view.get('eventSource'));
    return candidates.filter((rule) => evaluate(rule, view));
  }
}
