import { checkEventTypeKey, MAX_EVENT_TYPE_KEY_LENGTH } from './event-type-key.rules';

describe('checkEventTypeKey', () => {
  it.each(['order.created', 'invoice.payment_failed', 'a.b', 'shop.order.line_item.updated', 'v2.order9.created'])('accepts %s', (key) => {
    expect(checkEventTypeKey(key)).toEqual([]);
  });

  it.each([
    ['no dot', 'order'],
    ['upper case', 'Order.created'],
    ['leading digit', '1order.created'],
    ['segment starting with a digit', 'order.1created'],
    ['empty segment', 'order..created'],
    ['trailing dot', 'order.created.'],
    ['hyphen', 'order.was-created'],
    ['space', 'order. created'],
    ['empty', ''],
  ])('refuses a key with %s', (_case, key) => {
    expect(checkEventTypeKey(key)).toEqual([{ field: 'key', message: expect.stringContaining('dotted lowercase') }]);
  });

  it('refuses a key over the length limit and accepts one at it', () => {
    const at = `a.${'b'.repeat(MAX_EVENT_TYPE_KEY_LENGTH - 2)}`;
    expect(checkEventTypeKey(at)).toEqual([]);
    expect(checkEventTypeKey(`${at}c`)).toEqual([{ field: 'key', message: `must be at most ${MAX_EVENT_TYPE_KEY_LENGTH} characters` }]);
  });

  it.each(['webhook.created', 'delivery.failed', 'endpoint.disabled', 'hookline.anything', 'system.ping'])('refuses the reserved %s', (key) => {
    expect(checkEventTypeKey(key)).toEqual([{ field: 'key', message: expect.stringContaining('reserved') }]);
  });

  it('does not reserve look-alike prefixes', () => {
    expect(checkEventTypeKey('webhooks.created')).toEqual([]);
    expect(checkEventTypeKey('deliveryman.assigned')).toEqual([]);
  });

  it('refuses non-strings', () => {
    expect(checkEventTypeKey(42)).toEqual([{ field: 'key', message: 'must be a string' }]);
    expect(checkEventTypeKey(undefined)).toEqual([{ field: 'key', message: 'must be a string' }]);
  });
});
