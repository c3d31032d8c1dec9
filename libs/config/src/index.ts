export { AppConfig, ConfigError, databaseName, EncryptionKey, loadConfig, S3Config } from './config';
export { APP_CONFIG, ConfigModule } from './config.module';
export { parseDuration, parseSchedule } from './duration';
export { APP_VERSION } from './version';
export { PERCENT_ENCODING_HINT, redactUrl } from './redact-url';
