import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, AppConfig } from '@hookline/config';
import { StreamingDiskStorage } from './streaming-disk.storage';
import { UploadTargetGuard } from './upload-target.guard';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';

@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        storage: new StreamingDiskStorage(config.uploadDir),
        limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, parts: 20, fieldSize: 64 * 1024, headerPairs: 100 },
      }),
    }),
  ],
  controllers: [UploadsController],
  providers: [UploadsService, UploadTargetGuard],
})
export class UploadsModule {}
