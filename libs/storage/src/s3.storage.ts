import { DeleteObjectCommand, HeadObjectCommand, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { UploadStorage } from './upload-storage';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** An S3-compatible service (MinIO, R2, …); unset means AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Unset: the SDK's default chain (environment, shared files, instance/task role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** 5 MiB parts (the S3 minimum), at most 2 in flight: an upload holds ≤ 10 MiB in memory, whatever its size. */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

/** Objects in one S3 bucket; the key is the object key. Uploads stream as multipart, never buffered whole. */
export class S3Storage implements UploadStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    const config: S3ClientConfig = { region: options.region, forcePathStyle: options.forcePathStyle ?? false };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
      // Many S3-compatible services do not understand the SDK's default CRC trailers (aws-chunked bodies).
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    if (options.credentials) config.credentials = options.credentials;
    this.client = new S3Client(config);
  }

  async put(key: string, body: Readable, contentType: string, signal?: AbortSignal): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      // A failed multipart upload is aborted, so no parts are left billed in the bucket.
      leavePartsOnError: false,
    });
    const abort = (): void => void upload.abort().catch(() => undefined);
    signal?.addEventListener('abort', abort, { once: true });
    // The body erroring (client gone) must fail the upload too, not leave it waiting for bytes.
    const bodyFailed = new Promise<never>((_, reject) => body.once('error', reject));
    try {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      await Promise.race([upload.done(), bodyFailed]);
    } catch (error) {
      await upload.abort().catch(() => undefined);
      // A small body goes as one PutObject, which abort cannot undo once sent: delete whatever may have landed.
      await this.remove(key).catch(() => undefined);
      throw error;
    } finally {
      signal?.removeEventListener('abort', abort);
      bodyFailed.catch(() => undefined);
    }
  }

  async remove(key: string): Promise<boolean> {
    // S3 answers a delete of a missing key with success too; the answer reports whether it existed.
    const existed = await this.exists(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
    return existed;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === 'NotFound') return false;
      throw error;
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
