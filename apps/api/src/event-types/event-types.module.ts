import { Module } from '@nestjs/common';
import { EventSchemaCache } from './event-schema.cache';
import { EventTypeController } from './event-type.controller';
import { EventTypesController } from './event-types.controller';
import { EventTypesService } from './event-types.service';

@Module({
  controllers: [EventTypeController, EventTypesController],
  providers: [EventTypesService, EventSchemaCache],
  exports: [EventTypesService, EventSchemaCache],
})
export class EventTypesModule {}
