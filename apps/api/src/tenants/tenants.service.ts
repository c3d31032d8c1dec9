import { Injectable } from '@nestjs/common';
import { TenantsRepository } from '@hookline/db';
import { generateApiKey } from '@hookline/signing';

export interface CreatedTenant {
  tenant_id: string;
  api_key: string;
}

@Injectable()
export class TenantsService {
  constructor(private readonly tenants: TenantsRepository) {}

  /** The key is returned this once; only its hash is stored. */
  async create(name: string): Promise<CreatedTenant> {
    const key = generateApiKey();
    const tenant = await this.tenants.createWithKey(name, key);
    return { tenant_id: tenant.id, api_key: key.plaintext };
  }
}
