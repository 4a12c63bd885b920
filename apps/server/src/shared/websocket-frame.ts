import type { Socket } from 'node:net'
import type { WebSocket } from 'ws'

/**
 * A server-to-client WebSocket text frame (RFC 6455 §5.2: final, unmasked, uncompressed) as one buffer.
 *
 * Written straight to the connection, it costs one `write`: `ws`'s `send` allocates the payload and a header
 * separately and writes them corked, as a `writev` of two buffers, through more stream machinery. A streamed
 * reply sends one frame per token, so this is the platform's hottest path.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text)
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerLength + length)
  frame[0] = 0x81 // FIN, opcode 1 (text)
  if (headerLength === 2) {
    frame[1] = length
  } else if (headerLength === 4) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(length), 2)
  }
  frame.write(text, headerLength, 'utf8')
  return frame
}

/**
 * Sends text on an open WebSocket as one `textFrame` written to its connection. Only sound while `ws` itself
 * holds nothing back to write later, which it does only for compressed messages: with an extension negotiated
 * (none is offered by our server), this falls back to `ws`'s own `send`.
 */
export function sendText(socket: WebSocket, connection: Socket, text: string): void {
  if (socket.extensions) socket.send(text)
  else connection.write(textFrame(text))
}
