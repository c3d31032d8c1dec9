import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { CreateEventTypeDto } from './dto/create-event-type.dto';
import { ListEventTypesQuery } from './dto/list-event-types.query';
import { UpdateEventTypeDto } from './dto/update-event-type.dto';
import { EventTypeView } from './event-type.view';
import { EventTypesService } from './event-types.service';

@Controller('v1/event-types')
@UseGuards(ApiKeyGuard)
export class EventTypesController {
  constructor(private readonly eventTypes: EventTypesService) {}

  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ListEventTypesQuery): Promise<Page<EventTypeView>> {
    return this.eventTypes.list(tenant.tenantId, query);
  }

  @Post()
  @HttpCode(201)
  @ResponseMessage('Event type created')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateEventTypeDto): Promise<EventTypeView> {
    return this.eventTypes.create(tenant.tenantId, body);
  }

  @Get(':id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<EventTypeView> {
    return this.eventTypes.get(tenant.tenantId, id);
  }

  @Patch(':id')
  @ResponseMessage('Event type updated')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateEventTypeDto): Promise<EventTypeView> {
    return this.eventTypes.update(tenant.tenantId, id, body);
  }
}
