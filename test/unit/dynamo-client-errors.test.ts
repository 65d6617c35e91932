import { storageUnavailable } from '../../lambda/adapters/dynamo-client';
import { DependencyError, InternalError } from '../../lambda/core/errors';

describe('storage errors', () => {
  it('treat a ValidationException as our bug (500, logged with bug: true), never as "storage unavailable"', () => {
    const error = storageUnavailable('PutItem', Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' }));
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ httpStatus: 500, reason: 'internal_error', logDetail: expect.objectContaining({ operation: 'PutItem', bug: true }) });
  });

  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'InternalServerError', 'TimeoutError'])(
    'keep %s a 503 the provider retries',
    (name) => {
      const error = storageUnavailable('GetItem', Object.assign(new Error('x'), { name }));
      expect(error).toBeInstanceOf(DependencyError);
      expect(error).toMatchObject({ httpStatus: 503, reason: 'storage_unavailable' });
    },
  );
});

describe('errors already decided on our side', () => {
  it('keep a 500 a 500: an InternalError from a storage step passes through unchanged', () => {
    const bug = new InternalError('internal error: the request could not be stored', { operation: 'TransactWriteItems', bug: true });
    expect(storageUnavailable('PutItem', bug)).toBe(bug);
  });

  it('keep a DependencyError as it was raised, reason and message included', () => {
    const down = new DependencyError('secrets_unavailable', 'webhook secret temporarily unavailable');
    expect(storageUnavailable('PutItem', down)).toBe(down);
  });

  it('log only the operation when what was thrown is not an Error', () => {
    expect(storageUnavailable('Query', 'socket hang up')).toMatchObject({ httpStatus: 503, logDetail: { operation: 'Query' } });
  });
});
