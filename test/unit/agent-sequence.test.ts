import { describe, expect, it } from 'vitest';
import { checkSequence, stallBoundMs, type SeenEvent } from '../../probes/golden-path-agent.js';

const ev = (spec: string): SeenEvent[] =>
  spec === ''
    ? []
    : spec.split(' ').map((t) => {
        const [type = '', toolCallId] = t.split('#');
        return { type, toolCallId };
      });

describe('checkSequence (the agent probe judges our answer event by event)', () => {
  it.each([
    ['', 'agent_started'],
    ['agent_started', 'agent_thinking'],
    ['agent_started agent_thinking', 'tool_executing'],
    ['agent_started agent_thinking tool_executing', 'tool_completed'],
    ['agent_started agent_thinking tool_executing tool_completed', 'agent_completed'],
    // A platform's own progress events are tolerated.
    ['agent_started agent_update agent_thinking', 'tool_executing'],
    ['agent_started agent_thinking tool_executing#a tool_executing#b tool_completed#a', 'tool_completed'],
  ])('incomplete after [%s]: waits for %s', (events, next) => {
    expect(checkSequence(ev(events))).toEqual({ status: 'incomplete', next });
  });

  it.each([
    ['agent_started agent_thinking tool_executing tool_completed agent_completed'],
    [
      'agent_started agent_thinking tool_executing#a tool_completed#a agent_thinking tool_executing#b tool_completed#b agent_completed',
    ],
    [
      'agent_started agent_thinking tool_executing#a tool_executing#b tool_completed#b tool_completed#a agent_completed',
    ],
  ])('complete: [%s]', (events) => {
    expect(checkSequence(ev(events))).toEqual({ status: 'complete' });
  });

  it.each([
    [
      'agent_completed',
      'agent_completed arrived without agent_started, agent_thinking, tool_executing, tool_completed',
    ],
    ['agent_started agent_completed', 'agent_completed arrived without agent_thinking, tool_executing, tool_completed'],
    ['agent_thinking', 'agent_thinking arrived before agent_started'],
    ['agent_started agent_thinking tool_completed tool_executing', 'tool_completed arrived before its tool_executing'],
    [
      'agent_started agent_thinking tool_executing#a tool_completed#b',
      'tool_completed arrived before its tool_executing',
    ],
    ['agent_started tool_executing', 'tool_executing arrived before agent_thinking'],
    ['agent_started agent_started', 'agent_started arrived twice'],
    [
      'agent_started agent_thinking tool_executing#a tool_completed#a tool_executing#b agent_completed',
      'agent_completed arrived while a tool_executing had not completed',
    ],
  ])('broken (assertion) at [%s]: %s', (events, message) => {
    const check = checkSequence(ev(events));
    expect(check.status).toBe('broken');
    if (check.status !== 'broken') return;
    expect(check.category).toBe('assertion');
    expect(check.message.startsWith(message)).toBe(true);
  });

  it('an error event for our message is a contract break', () => {
    expect(checkSequence(ev('agent_started error'))).toMatchObject({ status: 'broken', category: 'contract' });
  });
});

describe('stallBoundMs (how long the agent may go quiet between two events)', () => {
  it.each([
    [15_000, 5_000],
    [9_000, 3_000],
    [3_000, 1_000],
    [2, 1],
    [-5, 1],
  ])('%i ms left in the step → %i ms', (left, bound) => {
    expect(stallBoundMs(1_000_000 + left, 1_000_000)).toBe(bound);
  });
});
