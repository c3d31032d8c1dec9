import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** The request id pino-http assigned (the caller's X-Request-Id or a new one); carried into jobs to follow a delivery. */
export const RequestId = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const request = context.switchToHttp().getRequest<{ id?: string | number }>();
  return request.id === undefined ? undefined : String(request.id);
});
