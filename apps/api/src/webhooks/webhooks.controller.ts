import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { Tenant, TenantContext } from '../common/tenant';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { WebhookView } from './webhook.view';
import { WebhooksService } from './webhooks.service';

@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ListWebhooksQuery): Promise<Page<WebhookView>> {
    return this.webhooks.list(tenant.tenantId, query);
  }

  @Get(':id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.get(tenant.tenantId, id);
  }
}
