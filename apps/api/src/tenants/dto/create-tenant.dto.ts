import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CreateTenantDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'acme' })
  @IsString() @IsNotEmpty() @MaxLength(200) name: string;
}
