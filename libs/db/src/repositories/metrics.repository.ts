import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Platform-wide counts for the metrics scrape (operators' view, across tenants). */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: DataSource) {}

  async outboxBacklog(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending' AND created_at < now() - interval '5 seconds'`);
    return row.n;
  }

  async disabledEndpoints(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM webhooks WHERE status = 'disabled' AND deleted_at IS NULL`);
    return row.n;
  }
}
