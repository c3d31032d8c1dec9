import { AddressPolicy, blockedReason, literalHost, normaliseIp } from './address-policy';

const strict: AddressPolicy = { allowPrivate: false, allowedCidrs: [] };

describe('normaliseIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::FFFF:7F00:0001', '127.0.0.1'],
    ['::ffff:0:7f00:1', '127.0.0.1'],
    ['::127.0.0.1', '127.0.0.1'],
    ['::7f00:1', '127.0.0.1'],
    ['64:ff9b::7f00:1', '127.0.0.1'],
    ['64:ff9b::10.0.0.1', '10.0.0.1'],
    ['2002:7f00:1::1', '127.0.0.1'],
    ['2002:0a00:0001::', '10.0.0.1'],
    ['::', '::'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['FE80:0:0:0:0:0:0:1%eth0', 'fe80::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2606:4700:0:0:0:0:0:1111', '2606:4700::1111'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseIp(input)).toBe(expected);
  });

  it('returns non-addresses unchanged', () => {
    expect(normaliseIp('example.com')).toBe('example.com');
  });
});

describe('blockedReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.1.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['192.0.0.8', 'IETF protocol assignment'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%lo0', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:0a00:0001::', 'private'],
  ])('blocks %s (%s)', (ip, kind) => {
    expect(blockedReason(ip, strict)).toMatch(new RegExp(`^${kind} address `));
  });

  it('names the embedded IPv4 address and the original form', () => {
    expect(blockedReason('127.0.0.1', strict)).toBe('loopback address 127.0.0.1');
    expect(blockedReason('::ffff:7f00:1', strict)).toBe('loopback address 127.0.0.1 (embedded in ::ffff:7f00:1)');
  });

  it.each(['172.32.0.1', '172.15.255.255', '8.8.8.8', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'allows public %s',
    (ip) => {
      expect(blockedReason(ip, strict)).toBeNull();
    },
  );

  it.each(['', 'localhost', '999.1.1.1', '1.2.3', '::ffff:127.0.0.1:80', '127.0.0.1/8'])('blocks non-address %j', (ip) => {
    expect(blockedReason(ip, strict)).toMatch(/^not an IP address/);
  });

  it('allowPrivate lifts every range', () => {
    const open: AddressPolicy = { allowPrivate: true, allowedCidrs: [] };
    for (const ip of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', 'fd00:ec2::254', '::ffff:7f00:1']) {
      expect(blockedReason(ip, open)).toBeNull();
    }
  });

  it('allowedCidrs lifts only the listed range, including its IPv6-embedded spellings', () => {
    const policy: AddressPolicy = { allowPrivate: false, allowedCidrs: ['10.0.0.0/8'] };
    expect(blockedReason('10.1.2.3', policy)).toBeNull();
    expect(blockedReason('::ffff:10.1.2.3', policy)).toBeNull();
    expect(blockedReason('192.168.1.1', policy)).toMatch(/^private/);
    expect(blockedReason('127.0.0.1', policy)).toMatch(/^loopback/);
    expect(blockedReason('fc00::1', policy)).toMatch(/^unique-local/);
  });

  it('allowedCidrs accepts IPv6 ranges and bare addresses, and never matches across families', () => {
    expect(blockedReason('fd12::5', { allowPrivate: false, allowedCidrs: ['fd12::/16'] })).toBeNull();
    expect(blockedReason('fd13::5', { allowPrivate: false, allowedCidrs: ['fd12::/16'] })).toMatch(/^unique-local/);
    expect(blockedReason('192.168.1.1', { allowPrivate: false, allowedCidrs: ['192.168.1.1'] })).toBeNull();
    expect(blockedReason('127.0.0.1', { allowPrivate: false, allowedCidrs: ['::/0'] })).toMatch(/^loopback/);
  });

  it('ignores malformed allowedCidrs entries instead of throwing', () => {
    const policy: AddressPolicy = { allowPrivate: false, allowedCidrs: ['10.0.0.0/33', 'nonsense', '10.0.0.0/x', '10.0.0.0/8/1'] };
    expect(blockedReason('10.0.0.1', policy)).toMatch(/^private/);
  });
});

describe('literalHost', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[::1]/', '::1'],
    ['http://example.com/', null],
    ['http://127.0.0.1.example.com/', null],
  ])('%s -> %s', (url, expected) => {
    expect(literalHost(new URL(url).hostname)).toBe(expected);
  });

  it('accepts the unbracketed IPv6 form undici hands to connectors', () => {
    expect(literalHost('::1')).toBe('::1');
  });

  it('every literal form of loopback ends up blocked', () => {
    for (const url of ['http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::1]/']) {
      const literal = literalHost(new URL(url).hostname);
      expect(literal).not.toBeNull();
      expect(blockedReason(literal!, strict)).toMatch(/^loopback/);
    }
  });
});

describe('special-purpose ranges beyond the private ones', () => {
  const strict = { allowPrivate: false, allowedCidrs: [] };
  it.each([
    ['168.63.129.16', 'cloud metadata'],
    ['192.88.99.1', '6to4 relay'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'IETF protocol assignment'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['3fff::1', 'documentation'],
    ['5f00::1', 'SRv6'],
  ])('blocks %s (%s)', (ip, label) => {
    expect(blockedReason(ip, strict)).toContain(label);
  });

  it('still allows ordinary public addresses next to them', () => {
    expect(blockedReason('168.63.129.17', strict)).toBeNull();
    expect(blockedReason('2001:4860:4860::8888', strict)).toBeNull();
  });
});
