import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { DisableWebhookDto } from './dto/disable-webhook.dto';
import { RotatedSecret, WebhookLifecycleService } from './webhook-lifecycle.service';
import { WebhookView } from './webhook.view';
import { RotatedSecretModel } from './rotated-secret.schema';
import { WebhookSecretModel } from './webhook-secret.schema';
import { WebhookModel } from './webhook.schema';

@ApiTags('webhooks')
@ApiTenantAuth()
@ApiErrors(404)
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhookLifecycleController {
  constructor(private readonly lifecycle: WebhookLifecycleService) {}

  @ApiEnvelope(RotatedSecretModel)
  @ApiOperation({ summary: 'New signing secret; the old one keeps signing for SECRET_ROTATION_GRACE' })
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ResponseMessage('Secret rotated')
  rotateSecret(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<RotatedSecret> {
    return this.lifecycle.rotateSecret(tenant.tenantId, id);
  }

  @ApiEnvelope(WebhookSecretModel)
  @ApiOperation({ summary: "The webhook's current signing secret" })
  @Get(':id/secret')
  getSecret(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<{ secret: string }> {
    return this.lifecycle.getSecret(tenant.tenantId, id);
  }

  @ApiEnvelope(WebhookModel)
  @ApiOperation({ summary: 'Stop deliveries to this endpoint' })
  @ApiBody({ type: DisableWebhookDto, required: false })
  @ApiErrors(...BODY_ERRORS)
  @Post(':id/disable')
  @HttpCode(200)
  @ResponseMessage('Webhook disabled')
  disable(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: DisableWebhookDto): Promise<WebhookView> {
    return this.lifecycle.disable(tenant.tenantId, id, body.reason);
  }

  @ApiEnvelope(WebhookModel)
  @ApiOperation({ summary: 'Resume deliveries; resets the consecutive failure count' })
  @Post(':id/enable')
  @HttpCode(200)
  @ResponseMessage('Webhook enabled')
  enable(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<WebhookView> {
    return this.lifecycle.enable(tenant.tenantId, id);
  }
}
