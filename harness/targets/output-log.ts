/** The last lines a broker process or container wrote, kept to show when it fails. */
export class OutputLog {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly listeners = new Set<(line: string) => void>();

  constructor(private readonly maxLines = 200) {}

  /** Appends a chunk; complete lines are stored and passed to the line listeners. */
  write(chunk: Buffer | string, stream: 'stdout' | 'stderr' | 'log' = 'log'): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.push(stream === 'stderr' ? `[err] ${line}` : line, line);
  }

  /** Flushes an unterminated last line (call when the stream ends). */
  end(): void {
    if (this.partial !== '') {
      const line = this.partial;
      this.partial = '';
      this.push(line, line);
    }
  }

  /** Calls `listener` with each further line (without the `[err]` mark); returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The kept lines, joined; `(no output)` when empty. */
  text(): string {
    const all = this.partial === '' ? this.lines : [...this.lines, this.partial];
    return all.length === 0 ? '(no output)' : all.join('\n');
  }

  private push(stored: string, raw: string): void {
    this.lines.push(stored);
    if (this.lines.length > this.maxLines) this.lines.shift();
    for (const listener of this.listeners) listener(raw);
  }
}
