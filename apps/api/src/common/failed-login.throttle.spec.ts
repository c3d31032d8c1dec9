import { basicCredentials, operatorCredentialsMatch } from '../bull-board';
import {
  addressKey,
  apiKeyPrefix,
  DEFAULT_FAILED_LOGIN_LIMITS,
  FailedLoginThrottle,
  FAILED_LOGINS_PER_ADDRESS,
  FAILED_LOGINS_PER_KEY_PREFIX,
  retryAfterSeconds,
  throttleReason,
  tooManyMessage,
} from './failed-login.throttle';

const limits = { perAddress: 20, perKeyPrefix: 50 };

describe('throttleReason: the decision given this window\'s failure counts', () => {
  it('lets the first 20 failures of an address through to the credential check, then throttles it', () => {
    for (let failures = 0; failures < 20; failures++) expect(throttleReason({ address: failures }, limits)).toBeNull();
    expect(throttleReason({ address: 20 }, limits)).toBe('address');
    expect(throttleReason({ address: 500 }, limits)).toBe('address');
  });

  it('throttles an address past its limit whatever the key prefix says', () => {
    expect(throttleReason({ address: 20, keyPrefix: 0, addressOnKeyPrefix: 0 }, limits)).toBe('address');
  });

  it('throttles a prefix past its limit only for addresses that have failed on it themselves', () => {
    // The attacker's addresses, which failed on the prefix, are stopped...
    expect(throttleReason({ address: 3, keyPrefix: 50, addressOnKeyPrefix: 1 }, limits)).toBe('key_prefix');
    expect(throttleReason({ address: 19, keyPrefix: 5000, addressOnKeyPrefix: 19 }, limits)).toBe('key_prefix');
    // ...the tenant's own address, which never failed on it, is not: its valid key is looked up as usual.
    expect(throttleReason({ address: 0, keyPrefix: 5000, addressOnKeyPrefix: 0 }, limits)).toBeNull();
    // Failures on other prefixes do not count here.
    expect(throttleReason({ address: 12, keyPrefix: 5000, addressOnKeyPrefix: 0 }, limits)).toBeNull();
    // Below the prefix limit nothing is throttled by prefix.
    expect(throttleReason({ address: 5, keyPrefix: 49, addressOnKeyPrefix: 5 }, limits)).toBeNull();
  });

  it('ignores prefix counts for a credential without a prefix (admin token, Bull Board, a key of another shape)', () => {
    expect(throttleReason({ address: 19 }, limits)).toBeNull();
  });

  it('has defaults where one address alone can never trip the prefix throttle', () => {
    expect(DEFAULT_FAILED_LOGIN_LIMITS).toEqual({ perAddress: FAILED_LOGINS_PER_ADDRESS, perKeyPrefix: FAILED_LOGINS_PER_KEY_PREFIX, windowMs: 60_000 });
    expect(FAILED_LOGINS_PER_ADDRESS).toBe(20);
    expect(FAILED_LOGINS_PER_KEY_PREFIX).toBe(50);
    expect(FAILED_LOGINS_PER_KEY_PREFIX).toBeGreaterThan(2 * FAILED_LOGINS_PER_ADDRESS);
  });
});

describe('retryAfterSeconds', () => {
  it('is the rest of the fixed window, rounded up, at least 1', () => {
    expect(retryAfterSeconds(120_000, 60_000)).toBe(60);
    expect(retryAfterSeconds(120_001, 60_000)).toBe(60);
    expect(retryAfterSeconds(179_000, 60_000)).toBe(1);
    expect(retryAfterSeconds(179_999, 60_000)).toBe(1);
    expect(retryAfterSeconds(150_500, 60_000)).toBe(30);
  });
});

describe('apiKeyPrefix', () => {
  it('takes the 12 hex characters of hk_<prefix>_<secret>, and nothing else', () => {
    expect(apiKeyPrefix('hk_0123456789ab_c2VjcmV0')).toBe('0123456789ab');
    expect(apiKeyPrefix('hk_0123456789ab_')).toBe('0123456789ab');
    for (const other of ['hk_nope', 'hk_not_a_real_key', 'hk_0123456789AB_x', 'hk_0123456789a_x', 'xhk_0123456789ab_x', 'test-admin-token', '']) {
      expect(apiKeyPrefix(other)).toBeNull();
    }
  });
});

describe('addressKey', () => {
  it('keeps IPv4 as it is, also when IPv4-mapped', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::FFFF:127.0.0.2')).toBe('127.0.0.2');
  });

  it('counts IPv6 per /64, however it is written', () => {
    expect(addressKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('has a name for a socket without an address', () => {
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('tooManyMessage', () => {
  it('says which throttle and when to come back', () => {
    expect(tooManyMessage({ throttled: 'address', retryAfterSeconds: 12 })).toBe('Too many failed logins from this address: try again in 12 s');
    expect(tooManyMessage({ throttled: 'key_prefix', retryAfterSeconds: 3 })).toBe('Too many failed logins for this API key: try again in 3 s');
  });
});

describe('Bull Board credentials', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('reads user and password, the password keeping its colons', () => {
    expect(basicCredentials(basic('ops:pa:ss'))).toEqual({ user: 'ops', password: 'pa:ss' });
    expect(basicCredentials(basic('ops'))).toEqual({ user: 'ops', password: '' });
    expect(basicCredentials('Basic !!!')).toBeNull();
    expect(basicCredentials('Bearer abc')).toBeNull();
    expect(basicCredentials(undefined)).toBeNull();
  });

  it('needs both to match; a wrong user with the right password is refused like any other', () => {
    expect(operatorCredentialsMatch({ user: 'ops', password: 'board-password' }, 'ops', 'board-password')).toBe(true);
    expect(operatorCredentialsMatch({ user: 'admin', password: 'board-password' }, 'ops', 'board-password')).toBe(false);
    expect(operatorCredentialsMatch({ user: 'ops', password: 'wrong' }, 'ops', 'board-password')).toBe(false);
    expect(operatorCredentialsMatch({ user: '', password: '' }, 'ops', 'board-password')).toBe(false);
  });
});

describe('FailedLoginThrottle against a stand-in Redis', () => {
  type Client = { status: string; mget: jest.Mock; eval: jest.Mock };
  const make = (client: Client, limits?: Partial<{ perAddress: number; perKeyPrefix: number }>) =>
    new FailedLoginThrottle({ client } as never, { queuePrefix: 'hl' } as never, limits);
  const from = (remoteAddress: string) => ({ socket: { remoteAddress } }) as never;

  it('reads the window\'s counters under QUEUE_PREFIX, decides, and counts a failure with an expiry', async () => {
    const client: Client = { status: 'ready', mget: jest.fn().mockResolvedValue(['3', '60', null]), eval: jest.fn().mockResolvedValue(3) };
    const throttle = make(client);
    const attempt = await throttle.check(from('::ffff:198.51.100.4'), '0123456789ab');
    const window = Math.floor(Date.now() / 60_000);
    expect(client.mget).toHaveBeenCalledWith(
      `hl:failed-logins:address:198.51.100.4:${window}`,
      `hl:failed-logins:key-prefix:0123456789ab:${window}`,
      `hl:failed-logins:key-prefix:0123456789ab:address:198.51.100.4:${window}`,
    );
    // 60 on the prefix, but none of them from this address: not throttled.
    expect(attempt.throttled).toBeNull();
    await throttle.fail(attempt);
    expect(client.eval).toHaveBeenCalledWith(expect.stringContaining('PEXPIRE'), 3, ...attempt.keys, '61000');
    expect(throttle.tooMany({ ...attempt, throttled: 'address' }).getStatus()).toBe(429);
  });

  it('takes its limits from the constructor', async () => {
    const client: Client = { status: 'ready', mget: jest.fn().mockResolvedValue(['2']), eval: jest.fn() };
    expect((await make(client).check(from('203.0.113.9'))).throttled).toBeNull();
    expect((await make(client, { perAddress: 2 }).check(from('203.0.113.9'))).throttled).toBe('address');
  });

  it('fails open, once per outage, when Redis errs or is unreachable', async () => {
    const client: Client = { status: 'ready', mget: jest.fn().mockRejectedValue(new Error('boom')), eval: jest.fn() };
    const throttle = make(client);
    const warn = jest.spyOn((throttle as unknown as { logger: { warn: () => void } }).logger, 'warn').mockImplementation(() => undefined);
    const attempt = await throttle.check(from('203.0.113.9'));
    expect(attempt).toMatchObject({ throttled: null, keys: [] });
    await throttle.fail(attempt);
    expect(client.eval).not.toHaveBeenCalled();
    // Within the next 5 s Redis is not asked again.
    await throttle.check(from('203.0.113.9'));
    expect(client.mget).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);

    const away: Client = { status: 'reconnecting', mget: jest.fn(), eval: jest.fn() };
    expect((await make(away).check(from('203.0.113.9'))).throttled).toBeNull();
    expect(away.mget).not.toHaveBeenCalled();
  });
});
