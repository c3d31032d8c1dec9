import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import { INestApplication } from '@nestjs/common';
import { AppConfig } from '@hookline/config';
import { DELIVERY_QUEUE } from '@hookline/queue';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { sameSecret } from './common/admin-token.guard';
import { FailedLoginThrottle } from './common/failed-login.throttle';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board for operators, behind HTTP basic auth; closed (401) when no password is configured. A presented user and
 * password are checked against the failed-login throttle first (the per-address count shared with API keys and the
 * admin token): past the limit, 429 without comparing them.
 */
export function mountBullBoard(app: INestApplication, config: AppConfig): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: [new BullAdapter(app.get<Queue>(getQueueToken(DELIVERY_QUEUE)))], serverAdapter });
  app.use(BULL_BOARD_PATH, basicAuth(config, app.get(FailedLoginThrottle)), serverAdapter.getRouter());
}

/** The user and password of `Authorization: Basic …`, or null when the header holds none. */
export function basicCredentials(authorization: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? { user: decoded, password: '' } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Both the user and the password are compared, always, each in constant time over SHA-256 digests (equal lengths
 * whatever was sent), and combined without short-circuit: a wrong user takes as long and answers the same 401 as a
 * wrong password.
 */
export function operatorCredentialsMatch(presented: { user: string; password: string }, user: string, password: string): boolean {
  const userMatches = sameSecret(presented.user, user);
  const passwordMatches = sameSecret(presented.password, password);
  return userMatches && passwordMatches;
}

function basicAuth(config: AppConfig, throttle: FailedLoginThrottle) {
  const refuse = (response: Response): void => {
    response.setHeader('WWW-Authenticate', 'Basic realm="Hookline Bull Board", charset="UTF-8"');
    response.status(401).json({ message: 'Bull Board needs the operator credentials', data: { code: 'unauthorized', details: [] }, error: true });
  };
  return async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const presented = basicCredentials(request.headers.authorization);
    // Closed, or nothing presented: a plain 401, nothing to count.
    if (!config.bullBoardPassword || !presented) return refuse(response);
    try {
      const attempt = await throttle.check(request);
      if (attempt.throttled) {
        const error = throttle.tooMany(attempt);
        for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
        response.status(error.getStatus()).json({ message: error.message, data: { code: error.code, details: [] }, error: true });
        return;
      }
      if (operatorCredentialsMatch(presented, config.bullBoardUser, config.bullBoardPassword)) return next();
      await throttle.fail(attempt);
      refuse(response);
    } catch (error) {
      next(error);
    }
  };
}
