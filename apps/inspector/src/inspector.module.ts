import { DynamicModule, Module } from '@nestjs/common';
import { BinStore, DEFAULT_LIMITS } from './bins/bin.store';
import { BinsController } from './bins/bins.controller';
import { BinsService } from './bins/bins.service';
import { CaptureController } from './capture/capture.controller';
import { CaptureService } from './capture/capture.service';
import { Delays } from './capture/delays';
import { PagesController } from './pages/pages.controller';
import { PagesService } from './pages/pages.service';
import { INSPECTOR_PUBLIC_URL, InspectorUrls } from './public-url';

/** The whole inspector: no database, no queue; one in-memory store shared by the JSON API, the bins and the pages. */
@Module({})
export class InspectorModule {
  /** `publicUrl`: INSPECTOR_PUBLIC_URL, the base of every bin URL (see InspectorUrls); null: the caller's address. */
  static forRoot(publicUrl: string | null): DynamicModule {
    return {
      module: InspectorModule,
      controllers: [BinsController, CaptureController, PagesController],
      providers: [
        { provide: BinStore, useFactory: () => new BinStore(DEFAULT_LIMITS) },
        { provide: INSPECTOR_PUBLIC_URL, useValue: publicUrl },
        InspectorUrls,
        BinsService,
        CaptureService,
        Delays,
        PagesService,
      ],
    };
  }
}
