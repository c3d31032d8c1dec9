import { createHash, randomUUID } from 'node:crypto';
import { FileHandle, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';

export interface StoredFile {
  storageKey: string;
  path: string;
  size: number;
  sha256: string;
}

type TenantRequest = Request & { tenant?: { tenantId: string } };

/**
 * A multer storage engine that streams the part straight to disk, hashing it on the way: the file is never held in
 * memory. A part cut short (size limit, client gone) leaves nothing behind.
 */
export class StreamingDiskStorage implements StorageEngine {
  constructor(private readonly root: string) {}

  _handleFile(req: TenantRequest, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<Express.Multer.File> & StoredFile) => void): void {
    const tenantId = req.tenant?.tenantId;
    if (!tenantId) return callback(new Error('upload without a resolved tenant'));
    const storageKey = `${tenantId}/${randomUUID()}`;
    const path = join(this.root, storageKey);
    const hash = createHash('sha256');
    let size = 0;
    let truncated = false;
    file.stream.once('limit', () => {
      truncated = true;
    });
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    openNew(path, join(this.root, tenantId))
      .then((handle) => pipeline(file.stream, meter, handle.createWriteStream()))
      .then(async () => {
        if (truncated) {
          await unlink(path).catch(() => undefined);
          return callback(Object.assign(new Error('File too large'), { code: 'LIMIT_FILE_SIZE' }));
        }
        callback(null, { storageKey, path, size, sha256: hash.digest('hex') });
      })
      .catch(async (error) => {
        await unlink(path).catch(() => undefined);
        callback(error);
      });
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<StoredFile>, callback: (error: Error | null) => void): void {
    if (!file.path) return callback(null);
    unlink(file.path).then(
      () => callback(null),
      () => callback(null),
    );
  }
}

/** Creates the file (never an existing one); the tenant's folder is made only the first time it is missing. */
async function openNew(path: string, folder: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(folder, { recursive: true });
    return open(path, 'wx', 0o600);
  }
}
