import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { RequestId } from '../common/request-id';
import { Tenant, TenantContext } from '../common/tenant';
import { DeliveriesService } from './deliveries.service';
import { DeliveryView } from './delivery.view';
import { ListDeliveriesQuery } from './dto/list-deliveries.query';

@Controller('v1/deliveries')
@UseGuards(ApiKeyGuard)
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    return this.deliveries.list(tenant.tenantId, query);
  }

  @Get(':id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<DeliveryView> {
    return this.deliveries.get(tenant.tenantId, id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ResponseMessage('Retry queued')
  retry(@Tenant() tenant: TenantContext, @Param('id') id: string, @RequestId() requestId: string | undefined): Promise<{ delivery_id: string; queued: boolean }> {
    return this.deliveries.retry(tenant.tenantId, id, requestId);
  }
}
