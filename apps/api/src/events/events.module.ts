import { Module } from '@nestjs/common';
import { EventTypesModule } from '../event-types/event-types.module';
import { DeliveryFanOut } from './delivery-fan-out';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({ imports: [EventTypesModule], controllers: [EventsController], providers: [EventsService, DeliveryFanOut] })
export class EventsModule {}
