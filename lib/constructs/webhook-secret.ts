import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Props of {@link WebhookSecret}. */
export interface WebhookSecretProps {
  /** Display name of the provider the secret belongs to (in the secret's description). */
  readonly providerLabel: string;
  /** What the provider calls its secret, e.g. `whsec_…` for Standard Webhooks. @default 'the secret the provider gave you' */
  readonly valueHint?: string;
  /**
   * What happens to the secret (the real secret once the user has put it) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One provider's webhook secret(s): a JSON array of strings, so a second entry can be added during rotation.
 *
 * Created with a generated placeholder that nobody knows, so the provider's callbacks are refused (401, and
 * quarantined for replay) until the user puts the real value. Secrets Manager can only generate into a JSON object
 * template, not an array; the placeholder is therefore one bare random string, which the receiver's parser reads as a
 * one-element list (the degenerate form of the array). Writing `["…"]` from CDK instead would put the placeholder
 * into the template in plain text.
 */
export class WebhookSecret extends Construct {
  /** The secret. */
  public readonly secret: Secret;

  constructor(scope: Construct, id: string, props: WebhookSecretProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description:
        `${props.providerLabel} webhook secret(s) as a JSON array of strings, e.g. ["s1"] or ["new","old"] while rotating. ` +
        `Generated placeholder until you put ${props.valueHint ?? 'the secret the provider gave you'}.`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
