import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { DeliveriesService } from './deliveries.service';
import { RecoverDto } from './dto/recover.dto';
import { RecoveredModel } from './recovered.schema';

/** Recovery acts on deliveries, so it lives with them, under the webhook's path. */
@ApiTags('webhooks')
@ApiTenantAuth()
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhookRecoveryController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @ApiEnvelope(RecoveredModel)
  @ApiOperation({ summary: "Re-queue the webhook's failed deliveries created in [since, until)" })
  @ApiErrors(...BODY_ERRORS, 404, [409, 'webhook_disabled: enable the webhook first'])
  @Post(':id/recover')
  @HttpCode(202)
  @ResponseMessage('Recovery queued')
  recover(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: RecoverDto): Promise<{ recovered: number }> {
    return this.deliveries.recover(tenant.tenantId, id, body);
  }
}
