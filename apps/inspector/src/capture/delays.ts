import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * The configured answer delays of bins. Each ends early when its client goes away, and all end when the app closes,
 * so a 60-second delay never holds a shutdown or a test run.
 */
@Injectable()
export class Delays implements OnModuleDestroy {
  private readonly pending = new Set<() => void>();

  wait(ms: number, until?: EventEmitter): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        until?.off('close', release);
        this.pending.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      until?.once('close', release);
      this.pending.add(release);
    });
  }

  onModuleDestroy(): void {
    for (const release of [...this.pending]) release();
  }
}
