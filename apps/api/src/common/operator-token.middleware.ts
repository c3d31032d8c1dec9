import type { NextFunction, Request, Response } from 'express';
import { sameSecret } from './admin-token.guard';
import { ApiError } from './api-error';

/**
 * METRICS_TOKEN and DOCS_TOKEN: when one is set, its routes need `Authorization: Bearer <token>` (compared in constant
 * time); unset, they stay open as before. For deployments that expose the API's port beyond the operators' network.
 */
export function requireOperatorToken(token: string | null, what: string): (request: Request, response: Response, next: NextFunction) => void {
  return (request, _response, next) => {
    if (token === null) return next();
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (presented !== undefined && sameSecret(presented, token)) return next();
    next(ApiError.unauthorized(`${what} needs Authorization: Bearer <token>`));
  };
}
