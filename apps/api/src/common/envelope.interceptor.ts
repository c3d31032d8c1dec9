import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, map } from 'rxjs';
import { Envelope, RAW_RESPONSE, RESPONSE_MESSAGE } from './envelope';

/** Wraps every successful JSON answer in `{ message, data, error: false }`. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<Envelope<unknown> | unknown> {
    if (this.reflector.get<boolean>(RAW_RESPONSE, context.getHandler())) return next.handle();
    const message = this.reflector.get<string>(RESPONSE_MESSAGE, context.getHandler()) ?? 'ok';
    return next.handle().pipe(map((data) => ({ message, data: data ?? null, error: false })));
  }
}
