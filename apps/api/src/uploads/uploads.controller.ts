import { Controller, Get, HttpCode, Param, Post, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiKeyGuard } from '../common/api-key.guard';
import { RequestId } from '../common/request-id';
import { Tenant, TenantContext } from '../common/tenant';
import { StoredFile } from './streaming-disk.storage';
import { UploadTargetGuard } from './upload-target.guard';
import { UploadResult, UploadsService, UploadView } from './uploads.service';

@Controller()
@UseGuards(ApiKeyGuard)
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  /** The reference design's upload endpoint, kept path for path. */
  @Post('upload_file/webhook_id/:webhook_id')
  @HttpCode(200)
  @UseGuards(UploadTargetGuard)
  @UseInterceptors(FileInterceptor('file'))
  upload(
    @Tenant() tenant: TenantContext,
    @Param('webhook_id') webhookId: string,
    @UploadedFile() file: (Express.Multer.File & StoredFile) | undefined,
    @RequestId() requestId: string | undefined,
  ): Promise<UploadResult> {
    return this.uploads.accept(tenant.tenantId, webhookId, file, requestId);
  }

  @Get('v1/uploads/:id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<UploadView> {
    return this.uploads.get(tenant.tenantId, id);
  }
}
