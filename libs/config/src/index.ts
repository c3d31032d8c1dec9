export { AppConfig, ConfigError, EncryptionKey, loadConfig, S3Config } from './config';
export { APP_CONFIG, ConfigModule } from './config.module';
export { parseDuration, parseSchedule } from './duration';
export { APP_VERSION } from './version';
