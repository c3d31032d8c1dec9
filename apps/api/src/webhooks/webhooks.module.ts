import { Module } from '@nestjs/common';
import { WebhookRegisterController } from './webhook-register.controller';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({ controllers: [WebhookRegisterController, WebhooksController], providers: [WebhooksService], exports: [WebhooksService] })
export class WebhooksModule {}
