import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { ReferenceEventTypeView } from './event-type.view';
import { EventTypesService } from './event-types.service';

/** The reference design's listing, kept path for path. */
@Controller('event_type')
@UseGuards(ApiKeyGuard)
export class EventTypeController {
  constructor(private readonly eventTypes: EventTypesService) {}

  @Get()
  @ResponseMessage('Successfully !')
  list(@Tenant() tenant: TenantContext): Promise<ReferenceEventTypeView[]> {
    return this.eventTypes.listVisible(tenant.tenantId);
  }
}
