import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../common/api-key.guard';
import { Tenant, TenantContext } from '../common/tenant';
import { DeliveriesService } from './deliveries.service';
import { DeliveryView } from './delivery.view';

@Controller('v1/deliveries')
@UseGuards(ApiKeyGuard)
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get(':id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<DeliveryView> {
    return this.deliveries.get(tenant.tenantId, id);
  }
}
