/** The parser thread's side (scrapers/parser-thread.ts): each request parsed by its site's adapter, in order. */
import { parentPort } from 'node:worker_threads';
import { parseWith } from './page-parser';
import type { ParseAnswer, ParseRequest } from './parser-thread';
import { toThrownError } from './parser-thread';
import { adapterFor } from './registry';

parentPort!.on('message', (request: ParseRequest) => {
  let answer: ParseAnswer;
  try {
    answer = {
      id: request.id,
      result: parseWith(adapterFor(request.site), request.kind, request.html, request.context),
    };
  } catch (error) {
    answer = { id: request.id, error: toThrownError(error) };
  }
  parentPort!.postMessage(answer);
});
