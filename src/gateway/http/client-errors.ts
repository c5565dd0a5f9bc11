import http from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode } from '../../schema/index.js';

/** The status, code and message for a request Node's HTTP parser refused before any route saw it. */
function answerFor(error: NodeJS.ErrnoException): { status: number; reason: string; code: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        code: ErrorCode.PAYLOAD_TOO_LARGE,
        message: `request line and headers over ${Math.round(http.maxHeaderSize / 1024)} KB; send a long GraphQL document in a POST body`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', code: ErrorCode.BAD_REQUEST, message: 'the request was not received in time' };
    default:
      return { status: 400, reason: 'Bad Request', code: ErrorCode.BAD_REQUEST, message: 'malformed HTTP request' };
  }
}

/**
 * Answers the requests Node's HTTP parser refuses — a URL or headers over `http.maxHeaderSize` (a long
 * GraphQL GET), a malformed request line — with a GraphQL-shaped JSON error carrying a code, where
 * Node would send a bare status line with no body. Then closes the connection, as Node does.
 *
 * @example
 * const server = http.createServer(app);
 * answerClientErrors(server);
 */
export function answerClientErrors(server: http.Server): void {
  const answered = new WeakSet<Socket>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // The parser reports the same error again as more of the request arrives: answer it once.
    if (answered.has(socket)) return;
    // Nothing can be answered on a connection the client reset (Node's documented pattern; on a
    // kept-alive connection the earlier responses are complete, as requests are not pipelined).
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const { status, reason, code, message } = answerFor(error);
    const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
    // Read and drop the rest of the request: closing with it unread would reset the connection, and
    // the client could lose the answer. A client that keeps sending is cut off after a few seconds.
    socket.on('data', () => {});
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    const cutOff = setTimeout(() => socket.destroy(), 5000);
    cutOff.unref();
    socket.once('close', () => clearTimeout(cutOff));
  });
}
