import { Module } from '@nestjs/common';
import { BinStore, DEFAULT_LIMITS } from './bins/bin.store';
import { BinsController } from './bins/bins.controller';
import { BinsService } from './bins/bins.service';
import { CaptureController } from './capture/capture.controller';
import { CaptureService } from './capture/capture.service';
import { Delays } from './capture/delays';
import { PagesController } from './pages/pages.controller';
import { PagesService } from './pages/pages.service';

/** The whole inspector: no database, no queue; one in-memory store shared by the JSON API, the bins and the pages. */
@Module({
  controllers: [BinsController, CaptureController, PagesController],
  providers: [{ provide: BinStore, useFactory: () => new BinStore(DEFAULT_LIMITS) }, BinsService, CaptureService, Delays, PagesService],
})
export class InspectorModule {}
