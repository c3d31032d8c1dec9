import { ApiProperty } from '@nestjs/swagger';
import { UploadView } from './uploads.service';

export class UploadModel implements UploadView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhook_id: string;
  @ApiProperty({ example: 'report.pdf' }) filename: string;
  @ApiProperty({ example: 'application/pdf' }) content_type: string;
  @ApiProperty({ type: 'integer', description: 'Bytes' }) size: number;
  @ApiProperty({ description: 'Hex SHA-256 of the stored bytes' }) sha256: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
