import { ApiProperty } from '@nestjs/swagger';
import { CreatedTenant } from './tenants.service';

export class CreatedTenantModel implements CreatedTenant {
  @ApiProperty({ format: 'uuid' }) tenant_id: string;
  @ApiProperty({ description: 'The first API key; shown this once, stored only as a hash' }) api_key: string;
}
