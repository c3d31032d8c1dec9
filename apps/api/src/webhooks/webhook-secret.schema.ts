import { ApiProperty } from '@nestjs/swagger';

export class WebhookSecretModel {
  @ApiProperty({ description: 'The current signing secret', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) secret: string;
}
