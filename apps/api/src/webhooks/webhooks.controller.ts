import { Body, Controller, Delete, Get, Param, Patch, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { DeletedWebhook, WebhookLifecycleService } from './webhook-lifecycle.service';
import { WebhookView } from './webhook.view';
import { WebhooksService } from './webhooks.service';
import { DeletedWebhookModel } from './deleted-webhook.schema';
import { WebhookModel } from './webhook.schema';

@ApiTags('webhooks')
@ApiTenantAuth()
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly lifecycle: WebhookLifecycleService,
  ) {}

  @ApiEnvelope(WebhookModel, { page: true })
  @ApiOperation({ summary: "The tenant's webhooks (credential header values masked)" })
  @ApiErrors(422)
  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ListWebhooksQuery): Promise<Page<WebhookView>> {
    return this.webhooks.list(tenant.tenantId, query);
  }

  @ApiEnvelope(WebhookModel)
  @ApiOperation({ summary: 'One webhook' })
  @ApiErrors(404)
  @Get(':id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.get(tenant.tenantId, id);
  }

  @ApiEnvelope(WebhookModel)
  @ApiOperation({ summary: 'Change url, headers, payload, user or event type; same rules as registration' })
  @ApiErrors(...BODY_ERRORS, 404)
  @Patch(':id')
  @ResponseMessage('Webhook updated')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateWebhookDto): Promise<WebhookView> {
    return this.webhooks.update(tenant.tenantId, id, body);
  }

  @ApiEnvelope(DeletedWebhookModel)
  @ApiOperation({ summary: 'Delete a webhook; its waiting deliveries end failed (endpoint_deleted)' })
  @ApiErrors(404)
  @Delete(':id')
  @ResponseMessage('Webhook deleted')
  remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<DeletedWebhook> {
    return this.lifecycle.remove(tenant.tenantId, id);
  }
}
