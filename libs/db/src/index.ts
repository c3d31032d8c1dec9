export { createDataSource, DataSourceOptions, isDatabaseUnavailable } from './data-source';
export { DbModule } from './db.module';
export * from './entities';
export { FlushResult, GroupCommit } from './group-commit';
export { decodeCursor, encodeCursor, InvalidCursorError, Page, paginate } from './pagination';
export * from './repositories';
export { declaredStatements, GENERIC_PLAN_MIN_ROWS, GenericPlanSource, PreparedStatement } from './prepared-statement';
