import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableSchema } from '../../lambda/contracts';

/** Props of {@link WebhookTable}. */
export interface WebhookTableProps {
  /**
   * What happens to the table (the event log and every job's state) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * DynamoDB deletion protection: the table cannot be deleted, not even by CloudFormation, until turned off.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The single table holding the event log and job state (schema in lambda/contracts/table.ts, shared with the
 * local stack). On-demand: callbacks are bursty and low-volume, provisioned capacity would sit idle.
 */
export class WebhookTable extends Construct {
  /** The table. */
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: WebhookTableProps = {}) {
    super(scope, id);
    const s = tableSchema;
    const str = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: str(s.partitionKey),
      sortKey: str(s.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType[s.streamViewType],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: s.ttlAttribute,
      // AWS-managed key (aws/dynamodb): key use shows in CloudTrail, nothing to administer, no per-key fee, and the
      // stream reader needs no extra KMS grant. A customer-managed key would only pay off for cross-account access
      // or key-policy-level control, which nothing here needs.
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: s.statusIndex.name,
      partitionKey: str(s.statusIndex.partitionKey),
      sortKey: str(s.statusIndex.sortKey),
      projectionType: ProjectionType[s.statusIndex.projection],
    });
    this.table.addGlobalSecondaryIndex({
      indexName: s.pendingIndex.name,
      partitionKey: str(s.pendingIndex.partitionKey),
      sortKey: str(s.pendingIndex.sortKey),
      projectionType: ProjectionType[s.pendingIndex.projection],
    });
  }
}
