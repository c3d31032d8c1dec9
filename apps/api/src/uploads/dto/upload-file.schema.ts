import { ApiProperty } from '@nestjs/swagger';

/** The multipart body multer reads; documentation only (the file arrives through @UploadedFile). */
export class UploadFileBody {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file, streamed to storage; at most MAX_UPLOAD_BYTES' }) file: unknown;
}
