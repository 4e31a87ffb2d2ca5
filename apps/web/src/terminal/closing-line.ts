/** Leaves a full-screen program's alternate screen, and resets the attributes and cursor it may have left. */
export const LEAVE_PROGRAM_SCREEN = '\x1b[?1049l';
export const RESET_ATTRIBUTES = '\x1b[0m\x1b[?25h';

/**
 * What to write first, so that text written after it lands on the normal screen: a session that ended
 * inside vi or less leaves the terminal on the alternate screen, which is the program's, not the user's
 * scrollback.
 */
export function toNormalScreen(alternate: boolean): string {
  return alternate ? `${LEAVE_PROGRAM_SCREEN}${RESET_ATTRIBUTES}` : RESET_ATTRIBUTES;
}

/** `text` on a line of its own: a new line first unless the cursor is at the start of one. */
export function ownLine(text: string, cursorX: number): string {
  return `${cursorX > 0 ? '\r\n' : ''}${text}\r\n`;
}
