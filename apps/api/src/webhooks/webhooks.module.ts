import { Module } from '@nestjs/common';
import { WebhookLifecycleController } from './webhook-lifecycle.controller';
import { WebhookLifecycleService } from './webhook-lifecycle.service';
import { WebhookRegisterController } from './webhook-register.controller';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhookRegisterController, WebhooksController, WebhookLifecycleController],
  providers: [WebhooksService, WebhookLifecycleService],
  exports: [WebhooksService],
})
export class WebhooksModule {}
