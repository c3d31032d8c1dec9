import { ApiProperty } from '@nestjs/swagger';
import { UploadResult } from './uploads.service';

export class UploadResultModel implements UploadResult {
  @ApiProperty({ format: 'uuid' }) upload_id: string;
  @ApiProperty({ format: 'uuid' }) event_id: string;
  @ApiProperty({ format: 'uuid', description: 'The delivery to the webhook; its `webhook-id` header' }) delivery_id: string;
  @ApiProperty({ example: 'report.pdf' }) filename: string;
  @ApiProperty({ type: 'integer', description: 'Bytes' }) size: number;
  @ApiProperty({ description: 'Hex SHA-256 of the stored bytes', example: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' }) sha256: string;
}
