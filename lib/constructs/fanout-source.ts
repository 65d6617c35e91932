import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fanoutMapping } from '../../lambda/core/fanout-mapping';
import { fanoutFilterPattern } from '../../lambda/core/stream-filter';

/** Props of {@link FanoutSource}. */
export interface FanoutSourceProps {
  /** The table whose stream feeds the fan-out. */
  readonly table: ITable;
  /** The fan-out function. */
  readonly fanout: IFunction;
}

/**
 * Table stream → fan-out function. Only new terminal event items invoke it (filter shared with the local poller);
 * failed records are bisected, retried a bounded number of times, then described in the on-failure queue. The
 * records themselves stay findable through the table's pending-notification index for the re-drive tool.
 */
export class FanoutSource extends Construct {
  /** On-failure destination: metadata of stream batches the fan-out gave up on. */
  public readonly deadLetterQueue: Queue;
  /** The event source (its mapping id is on `eventSource.eventSourceMappingId`). */
  public readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: FanoutSourceProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      // SQS-managed encryption: only Lambda's service writes here and only operators read, so a customer key would add
      // grants and cost without narrowing who can read.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      filters: [FilterCriteria.filter(fanoutFilterPattern)],
      // Shared with the local stream poller; the reasons are in lambda/core/fanout-mapping.ts.
      batchSize: fanoutMapping.batchSize,
      reportBatchItemFailures: fanoutMapping.reportBatchItemFailures,
      bisectBatchOnError: fanoutMapping.bisectBatchOnError,
      retryAttempts: fanoutMapping.retryAttempts,
      maxRecordAge: Duration.hours(fanoutMapping.maxRecordAgeHours),
      onFailure: new SqsDlq(this.deadLetterQueue),
    });
    props.fanout.addEventSource(this.eventSource);
  }
}
