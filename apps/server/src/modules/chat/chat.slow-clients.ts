/**
 * Beyond this much unsent data a client following a reply (a socket, an SSE response) is too slow: it is
 * disconnected rather than held in memory, and the reply goes on and is stored. A reply streams a few kilobytes a
 * second; a client this far behind has stopped reading.
 */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024
