import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateApiKeyDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: 'A label to recognise the key by', example: 'ci-deploys' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
}
