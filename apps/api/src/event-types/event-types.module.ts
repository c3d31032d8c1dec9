import { Module } from '@nestjs/common';
import { EventTypeController } from './event-type.controller';
import { EventTypesService } from './event-types.service';

@Module({ controllers: [EventTypeController], providers: [EventTypesService], exports: [EventTypesService] })
export class EventTypesModule {}
