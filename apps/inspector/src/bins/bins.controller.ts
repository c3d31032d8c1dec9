import { Body, Controller, DefaultValuePipe, Get, Param, ParseIntPipe, Post, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { InspectorUrls } from '../public-url';
import { BinView, RequestView } from './bin.view';
import { BinsService } from './bins.service';
import { BinConfigDto } from './dto/bin-config.dto';

/** The inspector's JSON API: make bins, tell them how to answer, read what they received. */
@Controller('bins')
export class BinsController {
  constructor(
    private readonly bins: BinsService,
    private readonly urls: InspectorUrls,
  ) {}

  @Post()
  create(@Req() request: Request): BinView {
    return this.bins.create(this.urls.bases(request));
  }

  @Get()
  list(@Req() request: Request): BinView[] {
    return this.bins.list(this.urls.bases(request));
  }

  @Put(':id/config')
  configure(@Param('id') id: string, @Body() dto: BinConfigDto, @Req() request: Request): BinView {
    return this.bins.configure(id, dto, this.urls.bases(request));
  }

  @Get(':id/requests')
  requests(@Param('id') id: string, @Query('limit', new DefaultValuePipe(1000), ParseIntPipe) limit: number): RequestView[] {
    return this.bins.requests(id, Math.min(Math.max(limit, 1), 1000));
  }
}
