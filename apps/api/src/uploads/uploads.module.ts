import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { StorageModule, UPLOAD_STORAGE, UploadStorage } from '@hookline/storage';
import { StreamingUploadStorage } from './streaming-upload.storage';
import { MultipartFileGuard } from './multipart-file.guard';
import { UploadTargetGuard } from './upload-target.guard';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';

@Module({
  imports: [
    StorageModule,
    MulterModule.registerAsync({
      imports: [StorageModule],
      inject: [APP_CONFIG, UPLOAD_STORAGE],
      useFactory: (config: AppConfig, storage: UploadStorage) => ({
        storage: new StreamingUploadStorage(storage),
        // File names without an explicit charset are read as UTF-8 (what browsers and curl send), not multer's latin1.
        defParamCharset: 'utf8',
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, parts: 20, fieldSize: 64 * 1024, headerPairs: 100 },
      }),
    }),
  ],
  controllers: [UploadsController],
  providers: [UploadsService, UploadTargetGuard, MultipartFileGuard],
})
export class UploadsModule {}
