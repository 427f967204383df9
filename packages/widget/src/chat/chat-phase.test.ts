import { describe, expect, it } from 'vitest';
import { chatPhase } from './chat-phase.js';
import type { ChatItem } from './chat-state.js';
import { initialState } from './chat-state.js';

const answer = (status: ChatItem['status']): ChatItem => ({
  key: 'a',
  role: 'assistant',
  text: 'Hel',
  status,
  offline: false,
});
const error = { message: 'The assistant is unavailable right now.', retry: () => {} };

describe('chatPhase', () => {
  it('is streaming while a turn is in flight, even once its error is shown', () => {
    const s = { ...initialState(true), busy: true, items: [answer('incomplete')], error };
    expect(chatPhase(s)).toBe('streaming');
  });

  it('tells an interrupted answer from other errors, once the turn has ended', () => {
    const base = { ...initialState(true), error };
    expect(chatPhase({ ...base, items: [answer('incomplete')] })).toBe('interrupted');
    expect(chatPhase({ ...base, items: [answer('complete')] })).toBe('error');
    expect(chatPhase({ ...base, items: [] })).toBe('error');
  });

  it('is loading, then idle', () => {
    expect(chatPhase({ ...initialState(true), loadingHistory: true })).toBe('loading');
    expect(chatPhase({ ...initialState(true), items: [answer('complete')] })).toBe('idle');
  });
});
