/** Lines kept in memory per session; the oldest go first. */
export const MAX_HISTORY_LINES = 500;

/**
 * The lines the user sent, for Up and Down in MUD mode, like a shell's history: bounded, no empty
 * lines, no line twice in a row. Walking it keeps the line being typed as a draft, given back after
 * the newest entry.
 */
export class LineHistory {
  private readonly lines: string[];
  /** Where Up and Down stand: `lines.length` is the draft (the line being typed). */
  private position: number;
  private draft = '';

  /** `onChange` hears the entries after each line added (e.g. to keep them in storage). */
  constructor(
    lines: readonly string[] = [],
    private readonly max = MAX_HISTORY_LINES,
    private readonly onChange?: (entries: readonly string[]) => void,
  ) {
    this.lines = lines.filter((line) => line !== '').slice(-max);
    this.position = this.lines.length;
  }

  /** Oldest first. */
  get entries(): readonly string[] {
    return this.lines;
  }

  /** A line was sent: it becomes the newest entry (unless it repeats the newest), and walking restarts. */
  add(line: string): boolean {
    this.position = this.lines.length;
    this.draft = '';
    if (line === '' || this.lines.at(-1) === line) {
      this.position = this.lines.length;
      return false;
    }
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
    this.position = this.lines.length;
    this.onChange?.(this.lines);
    return true;
  }

  /** Up: the entry before, or undefined at the oldest. `current` is kept when leaving the draft. */
  previous(current: string): string | undefined {
    if (this.position === 0) return undefined;
    if (this.position === this.lines.length) this.draft = current;
    this.position--;
    return this.lines[this.position];
  }

  /** Down: the entry after, then the draft; undefined when already at the draft. */
  next(): string | undefined {
    if (this.position >= this.lines.length) return undefined;
    this.position++;
    return this.position === this.lines.length ? this.draft : this.lines[this.position];
  }
}
