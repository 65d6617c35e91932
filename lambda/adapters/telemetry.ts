import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricsNamespace } from '../contracts';

/**
 * Structured logs and CloudWatch metrics (EMF) through Powertools, one instance per function. The service name is
 * the `service` dimension the alarms and dashboard use. Log level from POWERTOOLS_LOG_LEVEL / the Lambda log level.
 */
export interface Telemetry {
  readonly logger: Logger;
  /** Counts one occurrence, with the service dimension, and again per extra dimension set when given. */
  count(metric: string, dimensions?: Record<string, string>): void;
  flush(): void;
}

export function makeTelemetry(serviceName: string): Telemetry {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricsNamespace, serviceName });
  // Powertools warns on every flush with nothing stored ("No application metrics to publish"): flush only after a count.
  let counted = false;
  return {
    logger,
    count(metric, dimensions) {
      counted = true;
      metrics.addMetric(metric, MetricUnit.Count, 1);
      if (dimensions) {
        const single = metrics.singleMetric();
        single.addDimensions(dimensions);
        single.addMetric(metric, MetricUnit.Count, 1);
      }
    },
    flush() {
      if (!counted) return;
      counted = false;
      metrics.publishStoredMetrics();
    },
  };
}
