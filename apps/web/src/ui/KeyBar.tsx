import type { Action } from '@telgate/protocol';
import type { PointerEvent } from 'react';
import { type ArrowDirection, ESCAPE, TAB } from '../terminal/keys';

interface KeyBarProps {
  /** Sends a key sequence as typed. */
  readonly onKey: (sequence: string) => void;
  readonly onArrow: (direction: ArrowDirection) => void;
  readonly onAction: (action: Action) => void;
  readonly ctrlArmed: boolean;
  readonly onCtrl: (armed: boolean) => void;
  readonly connected: boolean;
}

/**
 * Keys touch keyboards lack. Pressing one must not take the focus from the terminal (which would
 * close the on-screen keyboard), hence preventDefault on pointerdown.
 */
export function KeyBar({ onKey, onArrow, onAction, ctrlArmed, onCtrl, connected }: KeyBarProps) {
  const keepFocus = (event: PointerEvent) => event.preventDefault();
  const key = (
    testId: string,
    label: string,
    onPress: () => void,
    extra: { title?: string; pressed?: boolean } = {},
  ) => (
    <button
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
      <span className="key-separator" aria-hidden="true" />
      {key('key-interrupt', 'Intr', () => onAction('interrupt'), { title: 'Interrupt Process (IAC IP)' })}
      {key('key-break', 'Brk', () => onAction('break'), { title: 'Break (IAC BRK)' })}
      {key('key-are-you-there', 'AYT', () => onAction('are-you-there'), { title: 'Are You There (IAC AYT)' })}
      {key('key-abort-output', 'AO', () => onAction('abort-output'), { title: 'Abort Output (IAC AO)' })}
    </nav>
  );
}
