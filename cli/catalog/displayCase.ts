/**
 * The compiler lower-cases case-insensitive values (`ListUsers` → `listusers`) so matching is cheap; people look
 * for API calls as AWS writes them. This maps a compiled value back to the way a rule file wrote it, from the
 * string scalars of the YAML under the rule folders. Display only: nothing here decides a match.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isScalar, parseAllDocuments, visit } from 'yaml';
import { listRuleFiles } from '../../lambda/sigma/index.ts';

export type ShowValue = (compiled: string) => string;

/** A lookup from lower-cased text to its first written form; unknown text is returned as it is. */
export function displayCase(folders: readonly string[]): ShowValue {
  const written = new Map<string, string>();
  for (const folder of folders) {
    for (const file of listRuleFiles(folder)) {
      let source: string;
      try {
        source = readFileSync(join(folder, file), 'utf8');
      } catch {
        continue; // the compiler already reported the unreadable file
      }
      for (const doc of parseAllDocuments(source)) {
        visit(doc, {
          Scalar(_key, node) {
            if (isScalar(node) && typeof node.value === 'string' && !written.has(node.value.toLowerCase())) {
              written.set(node.value.toLowerCase(), node.value);
            }
          },
        });
      }
    }
  }
  return (compiled) => written.get(compiled) ?? compiled;
}
