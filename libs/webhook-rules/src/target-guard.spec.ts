import { AddressPolicy } from './address-policy';
import { BlockedTargetError, checkHost, checkTarget, Resolver } from './target-guard';

const strict: AddressPolicy = { allowPrivate: false, allowedCidrs: [] };

function fixedResolver(addresses: string[]): Resolver & jest.Mock {
  return jest.fn(async () => addresses);
}

async function rejection(promise: Promise<unknown>): Promise<BlockedTargetError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BlockedTargetError);
  return error as BlockedTargetError;
}

describe('checkTarget', () => {
  it('passes a name that resolves to public addresses and returns them', async () => {
    const resolve = fixedResolver(['93.184.216.34', '2606:4700::1111']);
    await expect(checkTarget(new URL('https://hooks.example.com/x'), strict, resolve)).resolves.toEqual(['93.184.216.34', '2606:4700::1111']);
    expect(resolve).toHaveBeenCalledWith('hooks.example.com');
  });

  it('blocks a name when any one of its addresses is private', async () => {
    const error = await rejection(checkTarget(new URL('https://mixed.example.com/'), strict, fixedResolver(['93.184.216.34', '10.0.0.5'])));
    expect(error.code).toBe('blocked_target');
    expect(error.message).toContain('mixed.example.com resolves to private address 10.0.0.5');
  });

  it('blocks when resolution fails or yields nothing', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nope.example'), { code: 'ENOTFOUND' });
    };
    const failed = await rejection(checkTarget(new URL('http://nope.example/'), strict, failing));
    expect(failed.message).toMatch(/could not be resolved.*ENOTFOUND/);
    const empty = await rejection(checkTarget(new URL('http://empty.example/'), strict, fixedResolver([])));
    expect(empty.message).toMatch(/could not be resolved/);
  });

  it('re-checks on every call, so a rebinding name is caught the moment it turns private', async () => {
    const answers = [['93.184.216.34'], ['127.0.0.1']];
    const rebinding: Resolver = async () => answers.shift() ?? [];
    const url = new URL('http://rebind.example/');
    await expect(checkTarget(url, strict, rebinding)).resolves.toEqual(['93.184.216.34']);
    const error = await rejection(checkTarget(url, strict, rebinding));
    expect(error.message).toContain('loopback address 127.0.0.1');
  });

  it('checks IP literals without resolving them, whatever their spelling', async () => {
    const resolve = fixedResolver(['93.184.216.34']);
    for (const url of ['http://2130706433/', 'http://0x7f000001/', 'http://[::ffff:7f00:1]/', 'http://[::1]:8080/', 'http://[fd00:ec2::254]/']) {
      await rejection(checkTarget(new URL(url), strict, resolve));
    }
    await expect(checkTarget(new URL('http://8.8.8.8/'), strict, resolve)).resolves.toEqual(['8.8.8.8']);
    expect(resolve).not.toHaveBeenCalled();
  });

  it('blocks non-http protocols', async () => {
    const resolve = fixedResolver(['93.184.216.34']);
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/']) {
      const error = await rejection(checkTarget(new URL(url), strict, resolve));
      expect(error.message).toContain('protocol');
    }
  });

  it('blocks localhost and metadata names before asking DNS, unless allowPrivate', async () => {
    const resolve = fixedResolver(['93.184.216.34']);
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost', 'metadata.google.internal']) {
      await rejection(checkTarget(new URL(`http://${host}/`), strict, resolve));
    }
    expect(resolve).not.toHaveBeenCalled();
    await expect(checkTarget(new URL('http://localhost/'), { allowPrivate: true, allowedCidrs: [] }, fixedResolver(['127.0.0.1']))).resolves.toEqual([
      '127.0.0.1',
    ]);
  });

  it('honours allowedCidrs for resolved addresses', async () => {
    const policy: AddressPolicy = { allowPrivate: false, allowedCidrs: ['10.0.0.0/8'] };
    await expect(checkTarget(new URL('http://internal.example/'), policy, fixedResolver(['10.1.2.3']))).resolves.toEqual(['10.1.2.3']);
    await rejection(checkTarget(new URL('http://internal.example/'), policy, fixedResolver(['10.1.2.3', '192.168.0.1'])));
  });
});

describe('checkHost', () => {
  it('takes the unbracketed IPv6 hostname undici passes to connectors', async () => {
    await rejection(checkHost('::1', strict, fixedResolver([])));
  });
});

describe('ALLOWED_TARGET_PORTS', () => {
  const ports: Array<[number, number]> = [
    [80, 80],
    [443, 443],
    [1024, 65535],
  ];
  const policy = { allowPrivate: false, allowedCidrs: [], allowedPorts: ports };
  const publicResolver = async () => ['93.184.216.34'];

  it.each(['https://example.com/h', 'http://example.com/h', 'https://example.com:8443/h', 'http://example.com:65535/h'])('lets %s through', async (url) => {
    await expect(checkTarget(new URL(url), policy, publicResolver)).resolves.toEqual(['93.184.216.34']);
  });

  it.each([22, 25, 1023])('refuses port %i of a public host, naming the setting', async (port) => {
    await expect(checkTarget(new URL(`http://example.com:${port}/h`), policy, publicResolver)).rejects.toThrow(
      new RegExp(`port ${port} is not one webhooks may use \\(ALLOWED_TARGET_PORTS=80,443,1024-65535\\)`),
    );
  });

  it('applies no port rule in development (ALLOW_PRIVATE_TARGETS) or when none is configured', async () => {
    await expect(checkTarget(new URL('http://example.com:22/h'), { ...policy, allowPrivate: true }, publicResolver)).resolves.toHaveLength(1);
    await expect(checkTarget(new URL('http://example.com:22/h'), { allowPrivate: false, allowedCidrs: [] }, publicResolver)).resolves.toHaveLength(1);
  });
});
