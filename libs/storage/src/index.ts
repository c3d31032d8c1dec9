export * from './upload-storage';
export * from './local-directory.storage';
export * from './s3.storage';
export * from './create-upload-storage';
export * from './storage.module';
