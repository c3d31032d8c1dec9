import { Module } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { WebhookRecoveryController } from './webhook-recovery.controller';

@Module({ controllers: [DeliveriesController, WebhookRecoveryController], providers: [DeliveriesService] })
export class DeliveriesModule {}
