import { Global, Module } from '@nestjs/common';
import { InvalidationBus } from './invalidation-bus';

/** What every API process keeps in memory is dropped everywhere when its row changes (InvalidationBus). */
@Global()
@Module({ providers: [InvalidationBus], exports: [InvalidationBus] })
export class CacheModule {}
