import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { GSI1_PROJECTED_ATTRIBUTES, tableDefinition } from '../../functions/adapters/dynamodb/table-definition';
import { DataConstruct } from '../../infra/constructs/data';

/**
 * The table exists twice: as the CDK construct deploys it (infra/constructs/data.ts) and as the
 * local runtime and the tests create it (table-definition.ts). The store is only tested on the
 * second, so both must describe the same keys, attributes and index projection.
 */
function cdkTable(): Record<string, unknown> {
  const stack = new Stack(new App(), 'TableOnly', { env: { region: 'eu-west-3' } });
  new DataConstruct(stack, 'Data');
  const tables = Template.fromStack(stack).findResources('AWS::DynamoDB::Table');
  const [table] = Object.values(tables) as { Properties: Record<string, unknown> }[];
  if (!table) throw new Error('no table in the DataConstruct');
  return table.Properties;
}

const byName = <T extends { AttributeName?: string }>(list: readonly T[] | undefined) =>
  [...(list ?? [])].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

describe('the table definition used locally matches the one the stack deploys', () => {
  const local = tableDefinition('any');
  const deployed = cdkTable();

  it('has the same key schema, attribute definitions and billing mode', () => {
    expect(deployed.KeySchema).toEqual(local.KeySchema);
    expect(byName(deployed.AttributeDefinitions as { AttributeName: string }[])).toEqual(byName(local.AttributeDefinitions));
    expect(deployed.BillingMode).toBe(local.BillingMode);
  });

  it('has the same gsi1: keys and projection (INCLUDE email and id, not ALL)', () => {
    const sorted = (gsis: unknown) =>
      (gsis as { IndexName: string; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[]).map((g) => ({
        ...g,
        Projection: { ...g.Projection, NonKeyAttributes: [...(g.Projection.NonKeyAttributes ?? [])].sort() },
      }));
    expect(sorted(deployed.GlobalSecondaryIndexes)).toEqual(sorted(local.GlobalSecondaryIndexes));
    expect(sorted(deployed.GlobalSecondaryIndexes)[0]?.Projection).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: [...GSI1_PROJECTED_ATTRIBUTES].sort(),
    });
  });
});
