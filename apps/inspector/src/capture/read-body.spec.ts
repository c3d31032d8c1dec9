import { Readable } from 'node:stream';
import { readBody } from './read-body';

describe('readBody', () => {
  it('reads a body under the cap whole', async () => {
    const result = await readBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 10);
    expect(result).toEqual({ body: Buffer.from('abcd'), truncated: false });
  });

  it('keeps exactly the first maxBytes of a larger body and says so', async () => {
    const result = await readBody(Readable.from([Buffer.from('abcd'), Buffer.from('efgh'), Buffer.from('ijkl')]), 6);
    expect(result).toEqual({ body: Buffer.from('abcdef'), truncated: true });
  });

  it('reads an empty body', async () => {
    expect(await readBody(Readable.from([]), 10)).toEqual({ body: Buffer.alloc(0), truncated: false });
  });

  it('rejects when the stream fails', async () => {
    const stream = new Readable({ read() { this.destroy(new Error('socket hang up')); } });
    await expect(readBody(stream, 10)).rejects.toThrow('socket hang up');
  });
});

describe('readBody when the sender goes away', () => {
  it('rejects instead of waiting when the stream closes before its end', async () => {
    const stream = new Readable({ read() {} });
    const reading = readBody(stream, 10);
    stream.push(Buffer.from('ab'));
    stream.destroy();
    await expect(reading).rejects.toThrow('closed before its end');
  });
});
