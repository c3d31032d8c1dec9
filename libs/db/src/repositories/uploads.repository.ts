import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Upload } from '../entities';
import { isUuid, requireTenant } from './tenant-scope';

@Injectable()
export class UploadsRepository {
  constructor(private readonly db: DataSource) {}

  async getById(tenantId: string, id: string): Promise<Upload | null> {
    if (!isUuid(id)) return null;
    return this.db.getRepository(Upload).findOne({ where: { tenantId: requireTenant(tenantId), id } });
  }
}
