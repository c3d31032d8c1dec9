import { join } from 'node:path';
import { Child, Children, nextMessage } from './children';
import { PathStats, ReceiverReply, ReceiverRequest } from './receiver.protocol';

type Reply<T extends ReceiverReply['type']> = Extract<ReceiverReply, { type: T }>;
type Request<T extends ReceiverRequest['type']> = Omit<Extract<ReceiverRequest, { type: T }>, 'rid'>;

/** The bench's handle on its receiver process. */
export class ReceiverClient {
  private rid = 0;

  private constructor(
    readonly child: Child,
    readonly port: number,
  ) {}

  static async start(children: Children, build: string, env: NodeJS.ProcessEnv): Promise<ReceiverClient> {
    const child = children.start('receiver', join(build, 'bench', 'receiver.main.js'), [], env);
    const ready = await nextMessage<Reply<'ready'>>(child, 'ready', 10_000);
    return new ReceiverClient(child, ready.port);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async reset(trackPrefix?: string): Promise<void> {
    await this.call<'reset'>({ type: 'reset', trackPrefix }, 10_000);
  }

  async stats(path: string): Promise<PathStats> {
    return (await this.call<'stats'>({ type: 'stats', path }, 10_000)).stats;
  }

  /** Resolves when `path` has `count` distinct webhook-ids or `timeoutMs` passed; `reached` says which. */
  wait(path: string, count: number, timeoutMs: number): Promise<Reply<'wait'>> {
    return this.call<'wait'>({ type: 'wait', path, count, timeoutMs }, timeoutMs + 10_000);
  }

  async arrivals(path: string): Promise<Map<string, number>> {
    return new Map((await this.call<'arrivals'>({ type: 'arrivals', path }, 30_000)).arrivals);
  }

  private async call<T extends ReceiverRequest['type'] & ReceiverReply['type']>(request: Request<T>, timeoutMs: number): Promise<Reply<T>> {
    const rid = ++this.rid;
    const answer = nextMessage<Reply<T>>(this.child, request.type, timeoutMs, rid);
    this.child.process.send({ ...request, rid });
    return answer;
  }
}
