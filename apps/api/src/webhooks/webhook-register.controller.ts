import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { RegisterWebhookDto } from './dto/register-webhook.dto';
import { WebhookView } from './webhook.view';
import { WebhooksService } from './webhooks.service';

/** The reference design's registration endpoint, kept path for path. */
@Controller('webhook')
@UseGuards(ApiKeyGuard)
export class WebhookRegisterController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('register')
  @HttpCode(201)
  @ResponseMessage('Register Webhook Successfully!')
  register(@Tenant() tenant: TenantContext, @Body() body: RegisterWebhookDto): Promise<WebhookView> {
    return this.webhooks.register(tenant.tenantId, body);
  }
}
