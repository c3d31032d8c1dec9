import type { Readable } from 'node:stream';

/**
 * Where uploaded files live. Keys are ours (`<tenant>/<uuid>`), never the client's. `put` consumes the stream and
 * leaves nothing behind when it fails or is aborted; `remove` of a missing key is not an error.
 */
export interface UploadStorage {
  /** Stores the stream's bytes under `key`; rejects (leaving no object) if the stream errors or `signal` aborts. */
  put(key: string, body: Readable, contentType: string, signal?: AbortSignal): Promise<void>;
  /** Deletes the object; resolves false when there was nothing to delete. */
  remove(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
}
