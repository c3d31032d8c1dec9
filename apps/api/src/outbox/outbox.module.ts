import { Global, Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay';

/** Committed deliveries on their way to Redis; the API only adds jobs (and shows them in Bull Board), never runs them. */
@Global()
@Module({ providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxModule {}
