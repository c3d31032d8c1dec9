import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { DisableWebhookDto } from './dto/disable-webhook.dto';
import { RotatedSecret, WebhookLifecycleService } from './webhook-lifecycle.service';
import { WebhookView } from './webhook.view';

@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhookLifecycleController {
  constructor(private readonly lifecycle: WebhookLifecycleService) {}

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ResponseMessage('Secret rotated')
  rotateSecret(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<RotatedSecret> {
    return this.lifecycle.rotateSecret(tenant.tenantId, id);
  }

  @Get(':id/secret')
  getSecret(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<{ secret: string }> {
    return this.lifecycle.getSecret(tenant.tenantId, id);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ResponseMessage('Webhook disabled')
  disable(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: DisableWebhookDto): Promise<WebhookView> {
    return this.lifecycle.disable(tenant.tenantId, id, body.reason);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ResponseMessage('Webhook enabled')
  enable(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<WebhookView> {
    return this.lifecycle.enable(tenant.tenantId, id);
  }
}
