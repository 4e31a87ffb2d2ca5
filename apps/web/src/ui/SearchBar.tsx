import { useEffect, useRef, useState } from 'react';
import type { TerminalView } from '../terminal/terminal-view';

/** Find in the terminal's output and scrollback (Cmd-F / Ctrl-Shift-F). */
export function SearchBar({ view, onClose }: { view: TerminalView; onClose: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [results, setResults] = useState<{ index: number; count: number } | undefined>();
  const [notFound, setNotFound] = useState(false);

  useEffect(() => input.current?.focus(), []);
  useEffect(() => () => view.clearSearch(), [view]);

  const find = (direction: 'next' | 'previous', text = query, incremental = false) => {
    void view
      .find(text, direction, (index, count) => setResults({ index, count }), { caseSensitive, incremental })
      .then((found) => setNotFound(text !== '' && !found));
  };

  const close = () => {
    view.clearSearch();
    onClose();
  };

  return (
    <search className="search-bar" data-testid="search-bar">
      <input
        ref={input}
        type="search"
        placeholder="Find"
        aria-label="Find in output"
        data-testid="search-input"
        value={query}
        aria-invalid={notFound}
        onChange={(event) => {
          setQuery(event.target.value);
          find('next', event.target.value, true);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            find(event.shiftKey ? 'previous' : 'next');
          } else if (event.key === 'Escape') {
            event.preventDefault();
            close();
          }
        }}
      />
      <span className="search-count" data-testid="search-count">
        {query === ''
          ? ''
          : notFound
            ? 'No matches'
            : results && results.count > 0
              ? `${results.index + 1} of ${results.count}`
              : ''}
      </span>
      <label className="search-case" title="Match case">
        <input
          type="checkbox"
          checked={caseSensitive}
          onChange={(event) => setCaseSensitive(event.target.checked)}
        />
        Aa
      </label>
      <button
        type="button"
        aria-label="Previous match"
        data-testid="search-previous"
        onClick={() => find('previous')}
      >
        ↑
      </button>
      <button type="button" aria-label="Next match" data-testid="search-next" onClick={() => find('next')}>
        ↓
      </button>
      <button type="button" aria-label="Close search" data-testid="search-close" onClick={close}>
        ×
      </button>
    </search>
  );
}
