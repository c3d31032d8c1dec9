import { createHash, randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { UploadStorage } from '@hookline/storage';
import { cleanContentType } from './upload-names';

export interface StoredFile {
  storageKey: string;
  size: number;
  sha256: string;
}

type TenantRequest = Request & { tenant?: { tenantId: string } };

/**
 * A multer storage engine that streams the part into the upload storage (local directory or S3), hashing and counting
 * on the way: the file is never held in memory. A part cut short (size limit, client gone) leaves nothing behind.
 */
export class StreamingUploadStorage implements StorageEngine {
  constructor(private readonly storage: UploadStorage) {}

  _handleFile(req: TenantRequest, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<Express.Multer.File> & StoredFile) => void): void {
    const tenantId = req.tenant?.tenantId;
    if (!tenantId) return callback(new Error('upload without a resolved tenant'));
    const storageKey = `${tenantId}/${randomUUID()}`;
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
      // busboy ends a part cut at the size limit normally: failing here makes the driver drop what it stored so far
      // (local: the file is removed; S3: the multipart upload is aborted before a single-part PUT is ever sent).
      flush(done) {
        done(truncated ? tooLarge() : null);
      },
    });
    // Errors of the part (client gone) reach the driver through `meter`. Not `pipeline`: it aborts an AbortController,
    // building a DOMException, on every finish, which cost more than the rest of this engine for a small file.
    file.stream.on('error', (error) => meter.destroy(error));
    file.stream.pipe(meter);
    this.storage.put(storageKey, meter, cleanContentType(file.mimetype)).then(
      () => callback(null, { storageKey, size, sha256: hash.digest('hex') }),
      (error) => callback(truncated ? tooLarge() : error),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<StoredFile>, callback: (error: Error | null) => void): void {
    if (!file.storageKey) return callback(null);
    this.storage.remove(file.storageKey).then(
      () => callback(null),
      () => callback(null),
    );
  }
}

function tooLarge(): Error {
  return Object.assign(new Error('File too large'), { code: 'LIMIT_FILE_SIZE' });
}
