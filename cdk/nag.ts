/** cdk-nag acknowledgements: each one names a single finding on a single construct, with its reason. */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one AwsSolutions finding on `scope` and its children. `finding` narrows a granular rule to one
 * item (`Resource::…`, `Action::…`, `Policy::…`), so any other wildcard still fails synth.
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string, finding?: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}${finding ? `[${finding}]` : ''}`, reason });
}

/**
 * A resource ARN as cdk-nag writes it in a finding: `Fn::GetAtt` becomes `<LogicalId.Attr>`, `Ref` becomes
 * `<Name>`, `Fn::Join` is joined. Computed from the template, so it follows logical-id changes.
 */
export function nagResourceName(scope: IConstruct, arn: string): string {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node;
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (Array.isArray(o['Fn::Join'])) {
        const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
        return items.map(visit).join(delimiter);
      }
      if (Array.isArray(o['Fn::GetAtt'])) {
        const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
        return `<${visit(resource)}.${visit(attribute)}>`;
      }
      if ('Ref' in o) return `<${visit(o.Ref)}>`;
    }
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(arn));
}
