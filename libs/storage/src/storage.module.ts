import { Inject, Module, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { createUploadStorage } from './create-upload-storage';
import { S3Storage } from './s3.storage';
import { UploadStorage } from './upload-storage';

export const UPLOAD_STORAGE = Symbol('UPLOAD_STORAGE');

/** One UploadStorage per app, the driver STORAGE_DRIVER names; its connections close with the app. */
@Module({
  providers: [{ provide: UPLOAD_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createUploadStorage(config) }],
  exports: [UPLOAD_STORAGE],
})
export class StorageModule implements OnModuleDestroy {
  constructor(@Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage) {}

  onModuleDestroy(): void {
    if (this.storage instanceof S3Storage) this.storage.destroy();
  }
}
