import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { RequestId } from '../common/request-id';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { DeliveriesService } from './deliveries.service';
import { DeliveryView } from './delivery.view';
import { ListDeliveriesQuery } from './dto/list-deliveries.query';
import { DeliveryModel } from './delivery.schema';
import { RetryQueuedModel } from './retry-queued.schema';

@ApiTags('deliveries')
@ApiTenantAuth()
@Controller('v1/deliveries')
@UseGuards(ApiKeyGuard)
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @ApiEnvelope(DeliveryModel, { page: true })
  @ApiOperation({ summary: 'Deliveries, newest first (without attempts)' })
  @ApiErrors(422)
  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    return this.deliveries.list(tenant.tenantId, query);
  }

  @ApiEnvelope(DeliveryModel)
  @ApiOperation({ summary: 'A delivery with every attempt' })
  @ApiErrors(404)
  @Get(':id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<DeliveryView> {
    return this.deliveries.get(tenant.tenantId, id);
  }

  @ApiEnvelope(RetryQueuedModel)
  @ApiOperation({ summary: 'A fresh attempt now, to this endpoint only, whatever the state; recorded as manual' })
  @ApiErrors(404, [409, 'webhook_disabled or webhook_deleted: the endpoint cannot receive it'], [503, 'queue_unavailable, or the database is unavailable'])
  @Post(':id/retry')
  @HttpCode(202)
  @ResponseMessage('Retry queued')
  retry(@Tenant() tenant: TenantContext, @Param('id') id: string, @RequestId() requestId: string | undefined): Promise<{ delivery_id: string; queued: boolean }> {
    return this.deliveries.retry(tenant.tenantId, id, requestId);
  }
}
