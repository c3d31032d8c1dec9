import { Body, Controller, Delete, Get, Param, Patch, Query, UseGuards } from '@nestjs/common';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { DeletedWebhook, WebhookLifecycleService } from './webhook-lifecycle.service';
import { WebhookView } from './webhook.view';
import { WebhooksService } from './webhooks.service';

@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly lifecycle: WebhookLifecycleService,
  ) {}

  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ListWebhooksQuery): Promise<Page<WebhookView>> {
    return this.webhooks.list(tenant.tenantId, query);
  }

  @Get(':id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.get(tenant.tenantId, id);
  }

  @Patch(':id')
  @ResponseMessage('Webhook updated')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateWebhookDto): Promise<WebhookView> {
    return this.webhooks.update(tenant.tenantId, id, body);
  }

  @Delete(':id')
  @ResponseMessage('Webhook deleted')
  remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<DeletedWebhook> {
    return this.lifecycle.remove(tenant.tenantId, id);
  }
}
