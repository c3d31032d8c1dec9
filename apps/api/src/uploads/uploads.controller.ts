import { Controller, Get, HttpCode, Param, Post, UploadedFile, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../common/api-key.guard';
import { RequestId } from '../common/request-id';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import type { StoredFile } from './streaming-upload.storage';
import { MultipartFileGuard } from './multipart-file.guard';
import { UploadTargetGuard } from './upload-target.guard';
import { UploadResult, UploadsService, UploadView } from './uploads.service';
import { UploadFileBody } from './dto/upload-file.schema';
import { UploadModel } from './upload.schema';
import { UploadResultModel } from './upload-result.schema';

@ApiTags('uploads')
@ApiTenantAuth()
@Controller()
@UseGuards(ApiKeyGuard)
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  /** The reference design's upload endpoint, kept path for path. */
  @ApiEnvelope(UploadResultModel)
  @ApiOperation({ summary: 'Upload a file: records it, a file.uploaded event and a delivery to this webhook' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadFileBody })
  @ApiErrors([400, 'file_missing: no file in the field `file`'], 404, [409, 'webhook_disabled: enable the webhook first'], [413, 'The file is over MAX_UPLOAD_BYTES; nothing is stored'])
  @Post('upload_file/webhook_id/:webhook_id')
  @HttpCode(200)
  @UseGuards(UploadTargetGuard, MultipartFileGuard)
  upload(
    @Tenant() tenant: TenantContext,
    @Param('webhook_id') webhookId: string,
    @UploadedFile() file: (Express.Multer.File & StoredFile) | undefined,
    @RequestId() requestId: string | undefined,
  ): Promise<UploadResult> {
    return this.uploads.accept(tenant.tenantId, webhookId, file, requestId);
  }

  @ApiEnvelope(UploadModel)
  @ApiOperation({ summary: "An upload's metadata" })
  @ApiErrors(404)
  @Get('v1/uploads/:id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<UploadView> {
    return this.uploads.get(tenant.tenantId, id);
  }
}
