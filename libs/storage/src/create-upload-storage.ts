import type { AppConfig } from '@hookline/config';
import { LocalDirectoryStorage } from './local-directory.storage';
import { S3Storage } from './s3.storage';
import { UploadStorage } from './upload-storage';

/** The driver STORAGE_DRIVER names: `local` (UPLOAD_DIR) or `s3` (S3_BUCKET, …). */
export function createUploadStorage(config: Pick<AppConfig, 'storageDriver' | 'uploadDir' | 's3'>): UploadStorage {
  if (config.storageDriver === 's3' && config.s3) return new S3Storage(config.s3);
  return new LocalDirectoryStorage(config.uploadDir);
}
