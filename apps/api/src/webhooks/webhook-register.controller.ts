import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { RegisterWebhookDto } from './dto/register-webhook.dto';
import { WebhookView } from './webhook.view';
import { WebhooksService } from './webhooks.service';
import { WebhookModel } from './webhook.schema';

/** The reference design's registration endpoint, kept path for path. */
@ApiTags('reference')
@ApiTenantAuth()
@Controller('webhook')
@UseGuards(ApiKeyGuard)
export class WebhookRegisterController {
  constructor(private readonly webhooks: WebhooksService) {}

  @ApiEnvelope(WebhookModel)
  @ApiOperation({ summary: 'Register a webhook; the answer carries its signing secret' })
  @ApiErrors(...BODY_ERRORS)
  @Post('register')
  @HttpCode(201)
  @ResponseMessage('Register Webhook Successfully!')
  register(@Tenant() tenant: TenantContext, @Body() body: RegisterWebhookDto): Promise<WebhookView> {
    return this.webhooks.register(tenant.tenantId, body);
  }
}
