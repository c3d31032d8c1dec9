import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** `PUT /bins/:id/config`: every field optional; a field left out keeps its value, `secret: null` removes the secret. */
export class BinConfigDto {
  @IsOptional()
  @IsInt()
  @Min(200)
  @Max(599)
  status?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  delay_ms?: number;

  @IsOptional()
  @IsString()
  secret?: string | null;
}
