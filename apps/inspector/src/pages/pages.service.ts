import { Injectable } from '@nestjs/common';
import { BinStore } from '../bins/bin.store';
import type { BinUrlBases } from '../public-url';
import { toBinView, toRequestView } from '../bins/bin.view';
import { PAGE_REQUESTS, renderBin, renderIndex, renderNotFound } from './page.render';

@Injectable()
export class PagesService {
  constructor(private readonly store: BinStore) {}

  index(bases: BinUrlBases, nonce: string): string {
    return renderIndex(this.store.list().map((bin) => toBinView(bin, bases)), bases.pages, nonce);
  }

  bin(id: string, bases: BinUrlBases, nonce: string): { status: number; html: string } {
    const bin = this.store.get(id);
    if (!bin) return { status: 404, html: renderNotFound(id, nonce) };
    const requests = bin.requests.slice(-PAGE_REQUESTS).reverse().map(toRequestView);
    return { status: 200, html: renderBin(toBinView(bin, bases), requests, nonce) };
  }
}
