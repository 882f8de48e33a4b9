/**
 * The documented fault names. parseFault validates against this table and the control service serves it at
 * `GET /catalog`; the README's fault tables are written by hand. A new effect needs a row here, its handler in the
 * service that injects it, and a README row.
 */

export type SandboxService = 'auth' | 'backend' | 'web';

export interface FaultCatalogEntry {
  service: SandboxService;
  effects: string[];
  description: string;
}

export interface FaultSpec {
  step: string;
  effect: string;
  /** Only `slow` carries an argument: the delay in milliseconds. */
  arg?: number;
  /** `STEP=EFFECT#N`: the fault applies to the next N requests of the step, then clears itself. */
  times?: number;
}

export class FaultSpecError extends Error {
  readonly code = 'SANDBOX_FAULT_SPEC';
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const HTTP_STATUS_EFFECTS = ['http500', 'http404', 'http401'];
const TRANSPORT_EFFECTS = ['slow:MS', 'hang', 'reset'];
const BODY_EFFECTS = ['drip', 'malformed', 'schema'];
const LOGIN_EFFECTS = [...HTTP_STATUS_EFFECTS, ...TRANSPORT_EFFECTS, ...BODY_EFFECTS, 'badaud'];

export const FAULT_CATALOG: Record<string, FaultCatalogEntry> = {
  'auth.token': {
    service: 'auth',
    effects: [...LOGIN_EFFECTS, 'refuse'],
    description: 'POST /auth/login on the auth service (refuse closes the whole auth port)',
  },
  'web.login': {
    service: 'auth',
    // refuse is left out: it would take the port down for API callers too, which is auth.token=refuse.
    effects: LOGIN_EFFECTS,
    description: 'POST /auth/login as seen from the browser: only requests carrying an Origin header are faulted',
  },
  'session.create': {
    service: 'backend',
    effects: [...HTTP_STATUS_EFFECTS, ...TRANSPORT_EFFECTS, ...BODY_EFFECTS, 'refuse'],
    description: 'POST /api/sessions on the chat backend (refuse closes the whole backend port)',
  },
  'chat.connect': {
    service: 'backend',
    effects: [...HTTP_STATUS_EFFECTS, ...TRANSPORT_EFFECTS],
    description: 'the WebSocket upgrade GET /ws (status effects reject the upgrade)',
  },
  'chat.send': {
    service: 'backend',
    effects: ['silent', 'close', 'malformed'],
    description:
      'handling of a user_message: silent = no ack, close = close 1011, malformed = non-JSON frame instead of the ack',
  },
  'chat.reply': {
    service: 'backend',
    effects: ['silent', 'close', 'empty', 'wrongnonce', 'malformed', 'slow:MS'],
    description:
      'the assistant reply events (WebSocket and SSE): silent = ack then nothing, close = 1011 after one delta, ' +
      'empty = reply "", wrongnonce = completes another message, malformed = non-JSON frame',
  },
  'agent.connect': {
    service: 'backend',
    effects: [...HTTP_STATUS_EFFECTS, ...TRANSPORT_EFFECTS, 'noecho'],
    description:
      'the agent WebSocket upgrade GET /agent/ws (jwt-auth subprotocol; status effects reject the upgrade; ' +
      'noecho = upgrade accepted without selecting jwt-auth)',
  },
  'agent.reply': {
    service: 'backend',
    effects: ['toolstuck', 'outoforder', 'completedonly', 'silent', 'close', 'wrongmessage', 'slow:MS'],
    description:
      'the agent events answering a user_message: toolstuck = tool_executing never completed, ' +
      'outoforder = tool_completed before tool_executing, completedonly = agent_completed without the others, ' +
      'silent = nothing after agent_started, close = 1011 after agent_thinking, wrongmessage = the whole sequence for another message_id',
  },
  'session.close': {
    service: 'backend',
    effects: [...HTTP_STATUS_EFFECTS, ...TRANSPORT_EFFECTS],
    description: 'DELETE /api/sessions/:id on the chat backend',
  },
  'web.page': {
    service: 'web',
    effects: ['http500', 'http404', 'slow:MS', 'hang', 'reset', 'refuse'],
    description: 'the web UI documents /login and /chat (refuse closes the whole web port)',
  },
};

/** Steps whose `refuse` closes their service's listening socket. */
export const REFUSE_STEP_BY_SERVICE: Record<SandboxService, string> = {
  auth: 'auth.token',
  backend: 'session.create',
  web: 'web.page',
};

const stepList = (): string => Object.keys(FAULT_CATALOG).join(', ');

export function parseFault(spec: string): FaultSpec {
  const trimmed = spec.trim();
  const eq = trimmed.indexOf('=');
  if (eq <= 0 || eq === trimmed.length - 1) {
    throw new FaultSpecError(`invalid fault "${spec}": expected STEP=EFFECT, steps: ${stepList()}`);
  }
  const step = trimmed.slice(0, eq);
  const times = /#([1-9][0-9]{0,5})$/.exec(trimmed)?.[1];
  const effectText = trimmed.slice(eq + 1, times === undefined ? undefined : -(times.length + 1));
  const entry = FAULT_CATALOG[step];
  if (entry === undefined) {
    throw new FaultSpecError(`invalid fault "${spec}": unknown step "${step}", steps: ${stepList()}`);
  }
  const valid = `valid effects for ${step}: ${entry.effects.join(', ')}`;
  const colon = effectText.indexOf(':');
  const effect = colon === -1 ? effectText : effectText.slice(0, colon);
  const argText = colon === -1 ? undefined : effectText.slice(colon + 1);
  const takesArg = entry.effects.includes(`${effect}:MS`);
  if (!takesArg && !entry.effects.includes(effect)) {
    throw new FaultSpecError(`invalid fault "${spec}": effect "${effect}" is not valid here, ${valid}`);
  }
  if (times !== undefined && effect === 'refuse') {
    throw new FaultSpecError(`invalid fault "${spec}": "refuse" closes a port and cannot be limited to #N requests`);
  }
  const count = times === undefined ? {} : { times: Number(times) };
  if (!takesArg) {
    if (argText !== undefined)
      throw new FaultSpecError(`invalid fault "${spec}": "${effect}" takes no argument, ${valid}`);
    return { step, effect, ...count };
  }
  if (argText === undefined || !/^[1-9][0-9]{0,6}$/.test(argText)) {
    throw new FaultSpecError(
      `invalid fault "${spec}": "${effect}" needs a positive integer of milliseconds (${effect}:MS), ${valid}`,
    );
  }
  return { step, effect, arg: Number(argText), ...count };
}

export function formatFault(fault: FaultSpec): string {
  const base = fault.arg === undefined ? `${fault.step}=${fault.effect}` : `${fault.step}=${fault.effect}:${fault.arg}`;
  return fault.times === undefined ? base : `${base}#${fault.times}`;
}
