import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';

export interface Readiness {
  ready: boolean;
  database: 'up' | 'down';
  redis: 'up' | 'down';
}

const CHECK_TIMEOUT_MS = 2000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: DataSource,
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
  ) {}

  async check(): Promise<Readiness> {
    const [database, redis] = await Promise.all([
      within(this.db.query('SELECT 1'), CHECK_TIMEOUT_MS).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      within(this.queue.client.ping(), CHECK_TIMEOUT_MS).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
    ]);
    return { ready: database === 'up' && redis === 'up', database, redis };
  }
}
