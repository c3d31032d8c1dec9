import { ApiProperty } from '@nestjs/swagger';
import { RotatedSecret } from './webhook-lifecycle.service';

export class RotatedSecretModel implements RotatedSecret {
  @ApiProperty({ description: 'The new signing secret', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) secret: string;
  @ApiProperty({ format: 'date-time', description: 'Until then the previous secret signs too (one extra `v1,` signature)' })
  previous_secret_expires_at: string;
}
