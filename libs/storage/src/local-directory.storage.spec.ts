import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { LocalDirectoryStorage } from './local-directory.storage';

describe('LocalDirectoryStorage', () => {
  let parent: string;
  let root: string;
  let storage: LocalDirectoryStorage;

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'hookline-storage-'));
    root = join(parent, 'uploads');
    storage = new LocalDirectoryStorage(root);
  });

  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  const files = async (): Promise<string[]> => (await readdir(root, { recursive: true }).catch(() => [] as string[])).map(String).sort();

  it('stores the stream under root/<key>, creating the tenant folder, readable by the owner only', async () => {
    await storage.put('tenant-a/one', Readable.from([Buffer.from('hello '), Buffer.from('world')]), 'text/plain');
    expect(await readFile(join(root, 'tenant-a/one'), 'utf8')).toBe('hello world');
    expect((await stat(join(root, 'tenant-a/one'))).mode & 0o777).toBe(0o600);
    expect(await storage.exists('tenant-a/one')).toBe(true);
    expect(await storage.exists('tenant-a/two')).toBe(false);
  });

  it('never overwrites an existing key', async () => {
    await storage.put('t/key', Readable.from(['first']), 'text/plain');
    await expect(storage.put('t/key', Readable.from(['second']), 'text/plain')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(join(root, 't/key'), 'utf8')).toBe('first');
  });

  it('leaves nothing behind when the body fails midway', async () => {
    const body = new PassThrough();
    const put = storage.put('t/broken', body, 'text/plain');
    body.write('partial');
    setImmediate(() => body.destroy(new Error('client gone')));
    await expect(put).rejects.toThrow('client gone');
    expect(await files()).toEqual(['t']);
  });

  it('leaves nothing behind when the body is destroyed without an error, before or after the file is open', async () => {
    const early = new PassThrough();
    const first = storage.put('t/early', early, 'text/plain');
    early.destroy();
    await expect(first).rejects.toThrow('closed before it ended');
    const late = new PassThrough();
    const second = storage.put('t/late', late, 'text/plain');
    late.write('partial');
    setTimeout(() => late.destroy(), 20);
    await expect(second).rejects.toThrow('closed before it ended');
    expect(await files()).toEqual(['t']);
  });

  it('writes a body of many chunks in order', async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => Buffer.alloc(4096, i % 256));
    await storage.put('t/many', Readable.from(chunks), 'application/octet-stream');
    expect((await readFile(join(root, 't/many'))).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('leaves nothing behind when the signal aborts', async () => {
    const body = new PassThrough();
    const controller = new AbortController();
    const put = storage.put('t/aborted', body, 'text/plain', controller.signal);
    body.write('partial');
    setImmediate(() => controller.abort());
    await expect(put).rejects.toThrow();
    expect(await storage.exists('t/aborted')).toBe(false);
  });

  it('removes a key, reporting whether it was there', async () => {
    await storage.put('t/gone', Readable.from(['x']), 'text/plain');
    expect(await storage.remove('t/gone')).toBe(true);
    expect(await storage.remove('t/gone')).toBe(false);
    expect(await storage.exists('t/gone')).toBe(false);
  });

  it.each(['../outside', 't/../../outside', '/etc/passwd', '', '.', 't/\0x'])('refuses the key %j that would escape the root', async (key) => {
    await writeFile(join(parent, 'outside'), 'keep me');
    await expect(storage.put(key, Readable.from(['evil']), 'text/plain')).rejects.toThrow('escapes the upload directory');
    await expect(storage.remove(key)).rejects.toThrow('escapes the upload directory');
    await expect(storage.exists(key)).rejects.toThrow('escapes the upload directory');
    expect(await readFile(join(parent, 'outside'), 'utf8')).toBe('keep me');
  });

  it('refuses a sibling directory that merely shares the root as a prefix', () => {
    expect(() => storage.pathOf('../uploads-evil/x')).toThrow('escapes the upload directory');
    expect(storage.pathOf('t/x')).toBe(join(root, 't/x'));
  });
});
