import type { Action } from '@telgate/protocol';
import type { PointerEvent } from 'react';
import { type ArrowDirection, ESCAPE, TAB } from '../terminal/keys';

/** The Telnet command keys: action, label, hint. */
const ACTION_KEYS: ReadonlyArray<readonly [Action, string, string]> = [
  ['interrupt', 'Intr', 'Interrupt Process (IAC IP)'],
  ['break', 'Brk', 'Break (IAC BRK)'],
  ['are-you-there', 'AYT', 'Are You There (IAC AYT)'],
  ['abort-output', 'AO', 'Abort Output (IAC AO)'],
];

interface KeyBarProps {
  /** Sends a key sequence as typed. */
  readonly onKey: (sequence: string) => void;
  readonly onArrow: (direction: ArrowDirection) => void;
  readonly onAction: (action: Action) => void;
  readonly ctrlArmed: boolean;
  readonly onCtrl: (armed: boolean) => void;
  readonly connected: boolean;
  /** Which Telnet command keys to show (a kiosk's configuration can leave some out); all unless given. */
  readonly showAction?: (action: Action) => boolean;
}

/**
 * Keys touch keyboards lack. Pressing one must not take the focus from the terminal (which would
 * close the on-screen keyboard), hence preventDefault on pointerdown.
 */
export function KeyBar({
  onKey,
  onArrow,
  onAction,
  ctrlArmed,
  onCtrl,
  connected,
  showAction = () => true,
}: KeyBarProps) {
  const keepFocus = (event: PointerEvent) => event.preventDefault();
  const key = (
    testId: string,
    label: string,
    onPress: () => void,
    extra: { title?: string; pressed?: boolean } = {},
  ) => (
    <button
      key={testId}
      type="button"
      className={`key${extra.pressed ? ' key-armed' : ''}`}
      data-testid={testId}
      title={extra.title}
      aria-pressed={extra.pressed}
      disabled={!connected}
      onPointerDown={keepFocus}
      onClick={onPress}
    >
      {label}
    </button>
  );
  const actionKeys = ACTION_KEYS.filter(([action]) => showAction(action));
  return (
    <nav className="key-bar" aria-label="On-screen keys" data-testid="key-bar">
      {key('key-esc', 'Esc', () => onKey(ESCAPE))}
      {key('key-tab', 'Tab', () => onKey(TAB))}
      {key('key-ctrl', 'Ctrl', () => onCtrl(!ctrlArmed), {
        pressed: ctrlArmed,
        title: 'Ctrl for the next key',
      })}
      {key('key-up', '↑', () => onArrow('up'), { title: 'Up' })}
      {key('key-down', '↓', () => onArrow('down'), { title: 'Down' })}
      {key('key-left', '←', () => onArrow('left'), { title: 'Left' })}
      {key('key-right', '→', () => onArrow('right'), { title: 'Right' })}
      {actionKeys.length > 0 ? <span className="key-separator" aria-hidden="true" /> : null}
      {actionKeys.map(([action, label, title]) =>
        key(`key-${action}`, label, () => onAction(action), { title }),
      )}
    </nav>
  );
}
