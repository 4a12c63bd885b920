/**
 * Text built from many small pieces (a reply's tokens), kept as UTF-8 outside the JavaScript heap until read.
 * `text += piece` keeps every piece, and a rope node per piece, alive for as long as the reply runs: long
 * enough for the garbage collector to copy them all into the old generation, which under load made every
 * young-generation pause longer. Appending here copies the piece's bytes and lets the piece die young.
 */
export class TextBuffer {
  private bytes = Buffer.alloc(0)
  private used = 0

  append(piece: string): void {
    const worst = piece.length * 3
    if (this.used + worst > this.bytes.length) {
      let size = Math.max(1024, this.bytes.length * 2)
      while (size < this.used + worst) size *= 2
      const grown = Buffer.allocUnsafe(size)
      this.bytes.copy(grown, 0, 0, this.used)
      this.bytes = grown
    }
    this.used += this.bytes.write(piece, this.used, 'utf8')
  }

  toString(): string {
    return this.bytes.toString('utf8', 0, this.used)
  }
}
