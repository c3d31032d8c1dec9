import { close, open, write } from 'node:fs';
import { mkdir, stat, unlink } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { UploadStorage } from './upload-storage';

/** Files under one directory (a local disk or a shared network volume); a key may never resolve outside it. */
export class LocalDirectoryStorage implements UploadStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The absolute path of `key`; throws for a key that would escape the root (`..`, absolute paths). */
  pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!key || key.includes('\0') || !path.startsWith(this.root + sep)) throw new Error(`Storage key escapes the upload directory: ${JSON.stringify(key)}`);
    return path;
  }

  /**
   * Writes the stream to a new file through its descriptor, one chunk at a time (the stream is paused while a chunk is
   * being written). Not `pipeline` into an fs write stream: for the usual small upload that machinery (an
   * AbortController aborted with a DOMException on every finish, a FileHandle, end-of-stream listeners on both sides)
   * cost more CPU than the three system calls that store the file.
   */
  async put(key: string, body: Readable, _contentType: string, signal?: AbortSignal): Promise<void> {
    const path = this.pathOf(key);
    // The body may fail while the file is being opened: keep that from being an unhandled 'error'; writeAll reports it.
    body.on('error', () => undefined);
    signal?.throwIfAborted();
    const fd = await openNew(path);
    try {
      await writeAll(fd, body, signal);
    } catch (error) {
      await closed(fd).catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw error;
    }
    try {
      await closed(fd);
    } catch (error) {
      await unlink(path).catch(() => undefined);
      throw error;
    }
  }

  async remove(key: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}

/** Creates the file (never an existing one, owner-only); its folder is made only the first time it is missing. */
async function openNew(path: string): Promise<number> {
  try {
    return await opened(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    return opened(path);
  }
}

function opened(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'wx', 0o600, (error, fd) => (error ? reject(error) : resolve(fd))));
}

function closed(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (error) => (error ? reject(error) : resolve())));
}

/**
 * Every byte of `body` written to `fd`, in order; settles once the body has ended and the last write returned, or
 * rejects with the first error of the body, a write, or the signal.
 */
function writeAll(fd: number, body: Readable, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let writing = false;
    let ended = false;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', finish);
      body.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) return resolve();
      body.destroy();
      reject(error);
    };
    const writeChunk = (chunk: Buffer, offset: number) => {
      write(fd, chunk, offset, chunk.length - offset, null, (error, written) => {
        if (settled) return;
        if (error) return finish(error);
        // A regular file takes the whole chunk but for a full disk or a signal; write the rest rather than lose it.
        if (offset + written < chunk.length) return writeChunk(chunk, offset + written);
        writing = false;
        if (ended) return finish();
        body.resume();
      });
    };
    const onData = (chunk: Buffer | string) => {
      writing = true;
      body.pause();
      writeChunk(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, 0);
    };
    const onEnd = () => {
      ended = true;
      if (!writing) finish();
    };
    // A body destroyed without an error (a client gone without a word) must not count as complete.
    const onClose = () => {
      if (!ended) finish(new Error('The upload stream closed before it ended'));
    };
    const onAbort = () => finish(signal?.reason ?? new Error('aborted'));
    if (signal?.aborted) return onAbort();
    // It may have failed or been destroyed while the file was being opened, before these listeners were there.
    if (body.errored) return finish(body.errored);
    if (body.destroyed) return onClose();
    signal?.addEventListener('abort', onAbort, { once: true });
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', finish);
    body.once('close', onClose);
  });
}
