import { useEffect, useMemo, useRef, useState } from 'react';
import { type Command, filterCommands, preselected } from './commands';

/**
 * Every command by keyboard, opened with Ctrl-] like the escape prompt of a telnet client, and
 * understanding its commands (`send ayt`, `close`, `set crlf`, …): type to filter, arrows to choose,
 * Enter to run. Enter with nothing typed, or Esc, goes back to the session and sends nothing; Tab goes
 * to the page's controls. A command that ends the session is never chosen in advance.
 */
export function CommandPalette({
  commands,
  onClose,
  onLeave,
}: {
  commands: readonly Command[];
  /** Back to the terminal. */
  onClose: () => void;
  /** Tab (Shift-Tab): to the page's controls instead of the terminal. */
  onLeave?: (backwards: boolean) => void;
}) {
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<number | undefined>();
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const matches = useMemo(() => filterCommands(commands, query), [commands, query]);
  const current = chosen === undefined ? preselected(matches, query) : Math.min(chosen, matches.length - 1);

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  });

  const run = (command: Command | undefined) => {
    if (!command || command.disabled) return;
    onClose();
    command.run();
  };

  const move = (delta: number) => {
    if (matches.length === 0) return;
    const from = current < 0 ? (delta > 0 ? -1 : 0) : current;
    setChosen((from + delta + matches.length) % matches.length);
  };

  return (
    <div
      className="palette-backdrop"
      onPointerDown={(event) => event.target === event.currentTarget && onClose()}
    >
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Commands"
        data-testid="command-palette"
      >
        <input
          ref={input}
          className="palette-input"
          placeholder="Type a command, or telnet’s own: send ayt, close…"
          aria-label="Command"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={matches[current] ? `palette-${matches[current].id}` : undefined}
          data-testid="palette-input"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setChosen(undefined);
          }}
          onKeyDown={(event) => {
            switch (event.key) {
              case 'ArrowDown':
                event.preventDefault();
                move(1);
                break;
              case 'ArrowUp':
                event.preventDefault();
                move(-1);
                break;
              case 'Enter':
                event.preventDefault();
                if (current >= 0) run(matches[current]);
                else if (query.trim() === '') onClose();
                break;
              case 'Escape':
                event.preventDefault();
                onClose();
                break;
              case 'Tab':
                if (!onLeave) break;
                event.preventDefault();
                onLeave(event.shiftKey);
                break;
            }
          }}
        />
        <div ref={list} id="palette-list" className="palette-list" role="listbox" aria-label="Commands">
          {matches.length === 0 ? <p className="palette-empty">No command matches.</p> : null}
          {matches.map((command, index) => (
            <div
              key={command.id}
              id={`palette-${command.id}`}
              role="option"
              tabIndex={-1}
              aria-selected={index === current}
              aria-disabled={command.disabled}
              className={`palette-item${command.endsSession ? ' palette-item-ends' : ''}`}
              data-testid="palette-item"
              data-command={command.id}
              onPointerEnter={() => setChosen(index)}
              onClick={() => run(command)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  run(command);
                }
              }}
            >
              <span className="palette-group">{command.group}</span>
              <span className="palette-label">{command.label}</span>
              {command.endsSession ? (
                <span className="palette-ends" data-testid="palette-ends-session">
                  ends the session
                </span>
              ) : null}
              {command.telnet?.[0] ? <code className="palette-telnet">{command.telnet[0]}</code> : null}
              {command.detail ? <span className="palette-detail">{command.detail}</span> : null}
            </div>
          ))}
        </div>
        <p className="palette-help">
          <kbd>Enter</kbd> with nothing typed or <kbd>Esc</kbd>: back to the session · <kbd>Tab</kbd>: the
          page’s buttons
        </p>
      </div>
    </div>
  );
}
