import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { DeliveriesService } from './deliveries.service';
import { RecoverDto } from './dto/recover.dto';

/** Recovery acts on deliveries, so it lives with them, under the webhook's path. */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhookRecoveryController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Post(':id/recover')
  @HttpCode(202)
  @ResponseMessage('Recovery queued')
  recover(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: RecoverDto): Promise<{ recovered: number }> {
    return this.deliveries.recover(tenant.tenantId, id, body);
  }
}
