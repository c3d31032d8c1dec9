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
    let written = false;
    try {
      await writeAll(fd, body, signal);
      written = true;
      await closeFd(fd);
    } catch (error) {
      // A failed close has released the descriptor too: only a failed write leaves it to close here.
      if (!written) await closeFd(fd).catch(() => undefined);
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
    return await openFd(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    return openFd(path);
  }
}

// Callback fs (no FileHandle), looked up at each call. A new file only, owner-only.
function openFd(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'wx', 0o600, (error, fd) => (error ? reject(error) : resolve(fd))));
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (error) => (error ? reject(error) : resolve())));
}

/**
 * Every byte of `body` written to `fd`, in order; settles once the body has ended and the last write returned, or
 * rejects with the first error of the body, a write, or the signal. It never settles while a write is out: the caller
 * closes the descriptor next, and a write still queued in libuv's thread pool would land in whatever file the next
 * `open` is given that number, another upload's among them.
 */
function writeAll(fd: number, body: Readable, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const queued: Buffer[] = [];
    let writing = false;
    let ended = false;
    let failed = false;
    let failure: unknown;
    let settled = false;
    const settle = () => {
      if (settled || writing || (!failed && !(ended && queued.length === 0))) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', fail);
      body.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (failed) reject(failure);
      else resolve();
    };
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      failure = error;
      queued.length = 0;
      body.destroy();
      settle();
    };
    const writeFrom = (chunk: Buffer, offset: number) => {
      writing = true;
      write(fd, chunk, offset, chunk.length - offset, null, (error, written) => {
        writing = false;
        if (failed) return settle();
        if (error) return fail(error);
        // A regular file takes the whole chunk but for a full disk or a signal; write the rest rather than lose it.
        if (offset + written < chunk.length) return writeFrom(chunk, offset + written);
        const next = queued.shift();
        if (next) return writeFrom(next, 0);
        if (ended) return settle();
        body.resume();
      });
    };
    const onData = (chunk: Buffer | string) => {
      body.pause();
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (writing) queued.push(buffer);
      else writeFrom(buffer, 0);
    };
    const onEnd = () => {
      ended = true;
      settle();
    };
    // A body destroyed without an error (a client gone without a word) must not count as complete.
    const onClose = () => {
      if (!ended) fail(new Error('The upload stream closed before it ended'));
    };
    const onAbort = () => fail(signal?.reason ?? new Error('aborted'));
    if (signal?.aborted) return onAbort();
    // It may have failed or been destroyed while the file was being opened, before these listeners were there.
    if (body.errored) return fail(body.errored);
    if (body.destroyed) return onClose();
    signal?.addEventListener('abort', onAbort, { once: true });
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', fail);
    body.once('close', onClose);
  });
}
