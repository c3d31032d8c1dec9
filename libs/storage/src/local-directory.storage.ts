import { FileHandle, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

  async put(key: string, body: Readable, _contentType: string, signal?: AbortSignal): Promise<void> {
    const path = this.pathOf(key);
    // The body may fail while the file is being opened: keep that from being an unhandled 'error'; pipeline reports it.
    body.on('error', () => undefined);
    const handle = await openNew(path);
    try {
      await pipeline(body, handle.createWriteStream(), signal ? { signal } : {});
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
async function openNew(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    return open(path, 'wx', 0o600);
  }
}
