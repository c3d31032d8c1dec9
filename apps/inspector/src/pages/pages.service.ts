import { Injectable } from '@nestjs/common';
import { BinStore } from '../bins/bin.store';
import { toBinView, toRequestView } from '../bins/bin.view';
import { PAGE_REQUESTS, renderBin, renderIndex, renderNotFound } from './page.render';

@Injectable()
export class PagesService {
  constructor(private readonly store: BinStore) {}

  index(baseUrl: string, nonce: string): string {
    return renderIndex(this.store.list().map((bin) => toBinView(bin, baseUrl)), baseUrl, nonce);
  }

  bin(id: string, baseUrl: string, nonce: string): { status: number; html: string } {
    const bin = this.store.get(id);
    if (!bin) return { status: 404, html: renderNotFound(id, nonce) };
    const requests = bin.requests.slice(-PAGE_REQUESTS).reverse().map(toRequestView);
    return { status: 200, html: renderBin(toBinView(bin, baseUrl), requests, nonce) };
  }
}
