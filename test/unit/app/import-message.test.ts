import { describe, expect, it } from 'vitest';
import { handleSendMessage } from '../../../functions/app/handle-send-message';
import { InvalidSendMessageError, parseSendMessage } from '../../../functions/app/send-message-codec';
import { fakeDeps } from '../../support/fakes';

describe('the import queue message', () => {
  it('reads back as written, and a body without its job or actor is refused', () => {
    // prepare
    const message = { type: 'import', jobId: 'job-1', actor: { id: 'u1', name: 'Anne Roy' } } as const;

    // act
    const read = parseSendMessage(JSON.stringify(message));

    // assess
    expect(read).toEqual(message);
    expect(() => parseSendMessage('{"type":"import","actor":{"id":"u1","name":"A"}}')).toThrow(InvalidSendMessageError);
    expect(() => parseSendMessage('{"type":"import","jobId":"j","actor":"u1"}')).toThrow(/actor is not/);
  });

  it('fails on a worker wired without the import runner, so the queue retries it elsewhere or dead-letters it', async () => {
    // prepare
    const { deps } = fakeDeps({ runImport: undefined });

    // act
    const handled = handleSendMessage(deps, { type: 'import', jobId: 'job-1', actor: { id: 'u1', name: 'A' } });

    // assess
    await expect(handled).rejects.toThrow('import message for job job-1 reached a worker wired without runImport');
  });

  it('is handed to the wired runner with its job and actor', async () => {
    // prepare
    const calls: unknown[] = [];
    const { deps } = fakeDeps({ runImport: async (jobId, actor) => void calls.push([jobId, actor]) });

    // act
    await handleSendMessage(deps, { type: 'import', jobId: 'job-2', actor: { id: 'u2', name: 'B' } });

    // assess
    expect(calls).toEqual([['job-2', { id: 'u2', name: 'B' }]]);
  });
});
