import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { TelgateSession } from '../../session/session';
import { useSessionSnapshot } from '../hooks';
import { optionRows, traceLine } from './model';

/**
 * The negotiation inspector: every Telnet command that crossed the host connection, in words, and
 * the state of each option on both sides. Loaded on first use (React.lazy), with the Telnet describer.
 */
export default function Inspector({ session, onClose }: { session: TelgateSession; onClose: () => void }) {
  const entries = useSyncExternalStore(session.trace.subscribe, () => session.trace.entries());
  const snapshot = useSessionSnapshot(session);
  const lines = useMemo(() => entries.map(traceLine), [entries]);
  const options = useMemo(() => optionRows(snapshot.options, entries), [snapshot.options, entries]);
  const [paused, setPaused] = useState(false);
  const log = useRef<HTMLOListElement>(null);

  // Follows new lines unless paused; scrolling up pauses, scrolling back to the end resumes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when lines arrive
  useEffect(() => {
    const element = log.current;
    if (element && !paused) element.scrollTop = element.scrollHeight;
  }, [lines, paused]);

  return (
    <aside className="inspector" aria-label="Negotiation inspector" data-testid="inspector">
      <header className="inspector-header">
        <h2>Negotiation</h2>
        <label className="inspector-pause">
          <input
            type="checkbox"
            data-testid="inspector-pause"
            checked={paused}
            onChange={(event) => setPaused(event.target.checked)}
          />
          Pause scrolling
        </label>
        <button type="button" aria-label="Close inspector" data-testid="inspector-close" onClick={onClose}>
          ×
        </button>
      </header>
      {snapshot.supdup ? (
        <section className="inspector-supdup" data-testid="inspector-supdup" aria-label="SUPDUP">
          <p>
            <strong>SUPDUP</strong> (RFC 734): no Telnet on this connection from here on.
          </p>
          {snapshot.supdup.terminal ? (
            <dl>
              <dt>Size sent</dt>
              <dd data-testid="supdup-size">
                {snapshot.supdup.terminal.cols} × {snapshot.supdup.terminal.rows} (TCMXH{' '}
                {snapshot.supdup.terminal.cols - 1}, TCMXV {snapshot.supdup.terminal.rows})
              </dd>
              <dt>TTYOPT</dt>
              <dd data-testid="supdup-ttyopt">{snapshot.supdup.terminal.ttyopt.join(' ')}</dd>
            </dl>
          ) : null}
        </section>
      ) : null}
      <p className="inspector-legend">← from the host · → to the host</p>
      <ol
        ref={log}
        className="trace"
        data-testid="trace"
        onScroll={(event) => {
          const element = event.currentTarget;
          const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight < 4;
          if (paused === atEnd) setPaused(!atEnd);
        }}
      >
        {lines.length === 0 ? <li className="trace-empty">No Telnet commands yet.</li> : null}
        {lines.map((line) => (
          <li
            key={line.seq}
            className={`trace-row trace-${line.direction}`}
            data-testid="trace-row"
            data-direction={line.direction}
          >
            <time className="trace-time">{line.time}</time>
            <span className="trace-arrow" title={line.direction === 'in' ? 'received' : 'sent'}>
              {line.arrow}
            </span>
            <span className="trace-text">{line.text}</span>
          </li>
        ))}
      </ol>
      <table className="options" data-testid="options">
        <caption>Options</caption>
        <thead>
          <tr>
            <th scope="col">Option</th>
            <th scope="col" title="The gateway's side (WILL)">
              Us
            </th>
            <th scope="col" title="The host's side (DO)">
              Host
            </th>
          </tr>
        </thead>
        <tbody>
          {options.length === 0 ? (
            <tr>
              <td colSpan={3}>None negotiated yet.</td>
            </tr>
          ) : null}
          {options.map((row) => (
            <tr
              key={row.code}
              data-testid="option-row"
              data-option={row.name}
              data-local={row.local}
              data-remote={row.remote}
            >
              <th scope="row">
                {row.name} <small>{row.code}</small>
              </th>
              <td className={row.local ? 'on' : 'off'}>{row.local ? 'on' : 'off'}</td>
              <td className={row.remote ? 'on' : 'off'}>{row.remote ? 'on' : 'off'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </aside>
  );
}
