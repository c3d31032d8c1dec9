import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import * as repositories from './repositories';

const REPOSITORIES = [
  repositories.ApiKeysRepository,
  repositories.AttemptBatchRepository,
  repositories.AttemptJournalRepository,
  repositories.DeliveriesRepository,
  repositories.ErrorLogsRepository,
  repositories.MetricsRepository,
  repositories.EventTypesRepository,
  repositories.EventsRepository,
  repositories.OutboxRepository,
  repositories.OutboxSweepRepository,
  repositories.OperationalEventsRepository,
  repositories.RecoveryRepository,
  repositories.RetentionRepository,
  repositories.TenantsRepository,
  repositories.UploadsRepository,
  repositories.WebhooksRepository,
];

/** The data source and the repositories; the only module that knows TypeORM. */
@Global()
@Module({})
export class DbModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: { databaseUrl: string; poolSize?: number; applicationName?: string }): DynamicModule {
    return {
      module: DbModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => createDataSource(options).initialize(),
        },
        ...REPOSITORIES,
      ],
      exports: [DataSource, ...REPOSITORIES],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
