import type { EffectiveSettings } from '@telgate/protocol';
import { withCtrl } from './keys';
import { LineEditor } from './line-editor';
import type { LineHistory } from './line-history';
import { MudInput } from './mud-input';

export interface InputTarget {
  /** Text for the host (an INPUT frame). */
  send(text: string): void;
  /** Text to show locally, without sending it (local echo). */
  echo(text: string): void;
}

/**
 * Whether the page edits lines itself: the user's `localEcho` setting, where `auto` means "while the
 * host does not echo" (remote ECHO off). Not before the gateway has reported the settings.
 */
export function localEditingActive(settings: EffectiveSettings | undefined): boolean {
  if (!settings) return false;
  if (settings.localEcho === 'on') return true;
  if (settings.localEcho === 'off') return false;
  return !settings.remoteEcho;
}

/**
 * Everything the user types passes here on its way to the host: the key bar's sticky Ctrl applies to
 * the next keystroke, and while local editing is on, keystrokes go through the line editor.
 */
export class InputPipeline {
  private readonly editor = new LineEditor();
  /** MUD mode: local editing keeps the typed line around output and walks a history. */
  private mud: MudInput | undefined;
  private editing = false;
  private armed = false;
  private readonly ctrlListeners = new Set<(armed: boolean) => void>();

  constructor(private readonly target: InputTarget) {}

  get localEditing(): boolean {
    return this.editing;
  }

  /** Turns local editing on or off; turning it off hands the pending line to the host. */
  setLocalEditing(active: boolean): void {
    if (active === this.editing) return;
    this.editing = active;
    if (!active) this.apply(this.lineEditor.release());
  }

  /**
   * MUD mode with this history, or normal local editing (undefined). A line being typed is handed to
   * the host first, as when local editing ends.
   */
  setMudHistory(history: LineHistory | undefined): void {
    if (!history && !this.mud) return;
    if (this.editing) this.apply(this.lineEditor.release());
    this.mud = history ? new MudInput(history) : undefined;
  }

  get mudMode(): boolean {
    return this.mud !== undefined;
  }

  /** Host output is about to be written: what takes the line being typed off the screen (MUD mode). */
  beforeOutput(): string {
    return this.editing && this.mud ? this.mud.beforeOutput() : '';
  }

  /** Host output was written: the line being typed again, below it (MUD mode). */
  afterOutput(): string {
    return this.editing && this.mud ? this.mud.afterOutput() : '';
  }

  private get lineEditor(): LineEditor | MudInput {
    return this.mud ?? this.editor;
  }

  /** Whether the next keystroke gets Ctrl. */
  get ctrlArmed(): boolean {
    return this.armed;
  }

  /** Arms (or disarms) Ctrl for the next keystroke. */
  setCtrlArmed(armed: boolean): void {
    if (armed === this.armed) return;
    this.armed = armed;
    for (const listener of [...this.ctrlListeners]) listener(armed);
  }

  onCtrlChange(listener: (armed: boolean) => void): () => void {
    this.ctrlListeners.add(listener);
    return () => {
      this.ctrlListeners.delete(listener);
    };
  }

  /** A keystroke (or paste) from the terminal: the sticky Ctrl applies, then it is used up. */
  type(data: string): void {
    if (this.armed) {
      this.setCtrlArmed(false);
      this.insert(withCtrl(data));
      return;
    }
    this.insert(data);
  }

  /** Text from the key bar or the embedding page: as typed, but never modified by the sticky Ctrl. */
  insert(data: string): void {
    if (data.length === 0) return;
    if (this.editing) this.apply(this.lineEditor.feed(data));
    else this.target.send(data);
  }

  private apply({ echo, send }: { echo: string; send: string }): void {
    if (echo) this.target.echo(echo);
    if (send) this.target.send(send);
  }
}
