import { randomUUID } from 'node:crypto';

export interface ChatSession {
  id: string;
  userId: string;
  createdAt: string;
  /** Value of the x-synthetic-probe header on the creating request, so probe traffic can be told apart. */
  synthetic?: string;
}

/** The backend's chat sessions. In memory on purpose: the backend has no database (no user_sessions table). */
export class ChatSessions {
  readonly #sessions = new Map<string, ChatSession>();

  create(userId: string, synthetic: string | undefined): ChatSession {
    const session: ChatSession = {
      id: randomUUID(),
      userId,
      createdAt: new Date().toISOString(),
      ...(synthetic === undefined ? {} : { synthetic }),
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** Another user's session is reported as missing rather than forbidden, so ids cannot be probed. */
  find(id: string, userId: string): ChatSession | undefined {
    const session = this.#sessions.get(id);
    return session?.userId === userId ? session : undefined;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  list(): ChatSession[] {
    return [...this.#sessions.values()].map((session) => ({ ...session }));
  }
}
