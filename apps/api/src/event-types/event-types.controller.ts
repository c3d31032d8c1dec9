import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page } from '@hookline/db';
import { ApiKeyGuard } from '../common/api-key.guard';
import { ResponseMessage } from '../common/envelope';
import { Tenant, TenantContext } from '../common/tenant';
import { ApiTenantAuth } from '../openapi/api-auth.decorator';
import { ApiEnvelope } from '../openapi/api-envelope.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { CreateEventTypeDto } from './dto/create-event-type.dto';
import { ListEventTypesQuery } from './dto/list-event-types.query';
import { UpdateEventTypeDto } from './dto/update-event-type.dto';
import { EventTypeView } from './event-type.view';
import { EventTypesService } from './event-types.service';
import { EventTypeModel } from './event-type.schema';

@ApiTags('event-types')
@ApiTenantAuth()
@Controller('v1/event-types')
@UseGuards(ApiKeyGuard)
export class EventTypesController {
  constructor(private readonly eventTypes: EventTypesService) {}

  @ApiEnvelope(EventTypeModel, { page: true })
  @ApiOperation({ summary: "The system event types and the tenant's own; archived ones with include_archived=true" })
  @ApiErrors(422)
  @Get()
  list(@Tenant() tenant: TenantContext, @Query() query: ListEventTypesQuery): Promise<Page<EventTypeView>> {
    return this.eventTypes.list(tenant.tenantId, query);
  }

  @ApiEnvelope(EventTypeModel)
  @ApiOperation({ summary: 'Define an event type, optionally with a JSON Schema for its data' })
  @ApiErrors(...BODY_ERRORS, [409, 'event_type_exists: the key is taken by this tenant or a system type'])
  @Post()
  @HttpCode(201)
  @ResponseMessage('Event type created')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateEventTypeDto): Promise<EventTypeView> {
    return this.eventTypes.create(tenant.tenantId, body);
  }

  @ApiEnvelope(EventTypeModel)
  @ApiOperation({ summary: 'One event type' })
  @ApiErrors(404)
  @Get(':id')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<EventTypeView> {
    return this.eventTypes.get(tenant.tenantId, id);
  }

  @ApiEnvelope(EventTypeModel)
  @ApiOperation({ summary: 'Change name, description, schema or archived (the key never changes)' })
  @ApiErrors(...BODY_ERRORS, [403, 'event_type_read_only: system event types cannot be changed'], 404)
  @Patch(':id')
  @ResponseMessage('Event type updated')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateEventTypeDto): Promise<EventTypeView> {
    return this.eventTypes.update(tenant.tenantId, id, body);
  }
}
