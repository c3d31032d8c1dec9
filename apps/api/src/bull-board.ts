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

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board for operators, behind HTTP basic auth; closed (401) when no password is configured. */
export function mountBullBoard(app: INestApplication, config: AppConfig): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: [new BullAdapter(app.get<Queue>(getQueueToken(DELIVERY_QUEUE)))], serverAdapter });
  app.use(BULL_BOARD_PATH, basicAuth(config), serverAdapter.getRouter());
}

function basicAuth(config: AppConfig) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
    const [user, ...rest] = match ? Buffer.from(match[1], 'base64').toString('utf8').split(':') : [];
    const password = rest.join(':');
    if (config.bullBoardPassword && user !== undefined && sameSecret(user, config.bullBoardUser) && sameSecret(password, config.bullBoardPassword)) {
      return next();
    }
    response.setHeader('WWW-Authenticate', 'Basic realm="Hookline Bull Board", charset="UTF-8"');
    response.status(401).json({ message: 'Bull Board needs the operator credentials', data: { code: 'unauthorized', details: [] }, error: true });
  };
}
