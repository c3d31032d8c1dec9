import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ReferenceEventTypeView } from './event-type.view';
import { EventTypesService } from './event-types.service';
import { ReferenceEventTypeModel } from './reference-event-type.schema';

/** The reference design's listing, kept path for path. */
@ApiTags('reference')
@ApiTenantAuth()
@Controller('event_type')
@UseGuards(ApiKeyGuard)
export class EventTypeController {
  constructor(private readonly eventTypes: EventTypesService) {}

  @ApiEnvelope(ReferenceEventTypeModel, { isArray: true })
  @ApiOperation({ summary: "Event types a webhook can subscribe to: the system type file.uploaded and the tenant's own" })
  @Get()
  @ResponseMessage('Successfully !')
  list(@Tenant() tenant: TenantContext): Promise<ReferenceEventTypeView[]> {
    return this.eventTypes.listVisible(tenant.tenantId);
  }
}
