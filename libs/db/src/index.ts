export { createDataSource, DataSourceOptions, isDatabaseUnavailable } from './data-source';
export { DbModule } from './db.module';
export * from './entities';
export { ensureDatabase, MigrationContext, MigrationOptions, runMigrations } from './migrate';
export { InvalidCursorError, Page, paginate } from './pagination';
export * from './repositories';
export { GENERIC_PLAN_MIN_ROWS, GenericPlanSource } from './generic-plan.source';
export { declaredStatements, PreparedStatement } from './prepared-statement';
