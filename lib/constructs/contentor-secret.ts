import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Props of {@link ContentorSecret}. */
export interface ContentorSecretProps {
  /**
   * What happens to the secret (the real Contentor secret once the user has put it) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The Contentor webhook secret(s): a JSON array of strings, so a second entry can be added during rotation.
 *
 * Created with a generated placeholder that nobody knows, so Contentor callbacks are rejected (401) until the user
 * puts the real value. Secrets Manager can only generate into a JSON object template, not an array; the placeholder is
 * therefore one bare random string, which the receiver's parser reads as a one-element list (the degenerate form of
 * the array). The alternative, writing `["…"]` from CDK, would put the placeholder into the template in plain text.
 */
export class ContentorSecret extends Construct {
  /** The secret. */
  public readonly secret: Secret;

  constructor(scope: Construct, id: string, props: ContentorSecretProps = {}) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description:
        'Contentor webhook secret(s) as a JSON array of strings, e.g. ["s1"] or ["new","old"] while rotating. ' +
        'Generated placeholder until you put the value Contentor gave you.',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
