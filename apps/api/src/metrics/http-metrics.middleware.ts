import { HttpMetrics, statusClass } from '@hookline/observability';
import type { NextFunction, Request, Response } from 'express';

/** Counts every request by its route pattern once the answer is sent; unmatched paths share one label. */
export function httpMetricsMiddleware(metrics: HttpMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = metrics.duration.startTimer();
    response.once('finish', () => {
      const route = request.route?.path ? `${request.baseUrl}${request.route.path}` : request.baseUrl === '/admin/queues' ? '/admin/queues' : 'unmatched';
      stop({ method: request.method, route });
      metrics.requests.inc({ method: request.method, route, status_class: statusClass(response.statusCode) });
    });
    next();
  };
}
