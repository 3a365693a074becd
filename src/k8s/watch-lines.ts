/**
 * Splits a watch response into its lines: the API server writes one JSON event per line, and a
 * chunk from the socket may end in the middle of one (or hold many).
 */
export class LineSplitter {
  private rest = '';

  /** The complete lines this chunk finishes; a partial last line waits for the next chunk. */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '');
  }
}
