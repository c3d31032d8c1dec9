import { Module } from '@nestjs/common';
import { EventSchemaCache } from './event-schema.cache';
import { EventTypeController } from './event-type.controller';
import { EventTypesController } from './event-types.controller';
import { EventTypesService } from './event-types.service';
import { PublishableTypes } from './publishable-types';

@Module({
  controllers: [EventTypeController, EventTypesController],
  providers: [EventTypesService, EventSchemaCache, PublishableTypes],
  exports: [EventTypesService, EventSchemaCache, PublishableTypes],
})
export class EventTypesModule {}
