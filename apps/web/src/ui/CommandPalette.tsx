import { useEffect, useMemo, useRef, useState } from 'react';
import { type Command, filterCommands } from './commands';

/**
 * Every command by keyboard, opened with Ctrl-] (the escape key of classic telnet clients): type to
 * filter, arrows to choose, Enter to run, Esc to go back to the terminal.
 */
export function CommandPalette({ commands, onClose }: { commands: readonly Command[]; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const matches = useMemo(() => filterCommands(commands, query), [commands, query]);
  const current = Math.min(selected, Math.max(0, matches.length - 1));

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
    setSelected((current + delta + matches.length) % matches.length);
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
          placeholder="Type a command…"
          aria-label="Command"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={matches[current] ? `palette-${matches[current].id}` : undefined}
          data-testid="palette-input"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setSelected(0);
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
                run(matches[current]);
                break;
              case 'Escape':
                event.preventDefault();
                onClose();
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
              className="palette-item"
              data-testid="palette-item"
              data-command={command.id}
              onPointerEnter={() => setSelected(index)}
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
              {command.detail ? <span className="palette-detail">{command.detail}</span> : null}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
