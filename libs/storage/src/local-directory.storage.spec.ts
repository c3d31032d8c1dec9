import fs from 'node:fs';
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

  it('keeps every file whole while uploads around it fail mid-write', async () => {
    const puts = Array.from({ length: 40 }, async (_, index) => {
      const body = new PassThrough();
      const put = storage.put(`t/f${index}`, body, 'application/octet-stream');
      for (let chunk = 0; chunk < 20; chunk++) {
        if (index % 2 === 1 && chunk === 7) {
          // Fail while this chunk's write is out in the thread pool, as the other uploads open their files.
          body.write(Buffer.alloc(16 * 1024, index));
          await new Promise((resolve) => setTimeout(resolve, index % 3));
          body.destroy(new Error('client gone'));
          return put.then(() => 'stored', () => 'failed');
        }
        if (!body.write(Buffer.alloc(16 * 1024, index))) await new Promise((resolve) => body.once('drain', resolve));
        await new Promise((resolve) => setImmediate(resolve));
      }
      body.end();
      return put.then(() => 'stored', () => 'failed');
    });
    const outcomes = await Promise.all(puts);
    expect(outcomes).toEqual(Array.from({ length: 40 }, (_, index) => (index % 2 === 1 ? 'failed' : 'stored')));
    for (let index = 0; index < 40; index += 2) {
      expect((await readFile(join(root, `t/f${index}`))).equals(Buffer.alloc(20 * 16 * 1024, index))).toBe(true);
    }
    expect(await files()).toEqual(['t', ...Array.from({ length: 20 }, (_, i) => `t/f${i * 2}`)].sort());
  });

  it('closes the file only after the write that was out when the body failed has returned', async () => {
    // The descriptor's number is free for the next open once closed: a write still queued in the thread pool would
    // land in that file. fs is slowed here (its write answers 30 ms late) to hold the write out while the body fails.
    const events: string[] = [];
    const realWrite = fs.write;
    const realClose = fs.close;
    const write = jest.spyOn(fs, 'write').mockImplementation(((...args: unknown[]) => {
      const callback = args.pop() as (...result: unknown[]) => void;
      events.push('write');
      (realWrite as (...a: unknown[]) => void)(...args, (...result: unknown[]) =>
        setTimeout(() => {
          events.push('write returned');
          callback(...result);
        }, 30),
      );
    }) as typeof fs.write);
    const close = jest.spyOn(fs, 'close').mockImplementation(((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      events.push('close');
      realClose(fd, callback);
    }) as typeof fs.close);
    try {
      const body = new PassThrough();
      const put = storage.put('t/slow', body, 'text/plain');
      body.write('partial');
      for (let waited = 0; !events.includes('write') && waited < 5000; waited += 1) await new Promise((resolve) => setTimeout(resolve, 1));
      body.destroy(new Error('client gone'));
      await expect(put).rejects.toThrow('client gone');
      expect(events).toEqual(['write', 'write returned', 'close']);
      expect(await storage.exists('t/slow')).toBe(false);
    } finally {
      write.mockRestore();
      close.mockRestore();
    }
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
