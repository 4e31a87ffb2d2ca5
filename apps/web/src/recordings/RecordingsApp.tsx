import { create, type Player } from 'asciinema-player';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import type { LiveSessionInfo, RecordingInfo } from '@telgate/protocol';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { watchHref } from '../app/route';
import { downloadFile } from '../ui/download';
import {
  claimedGrants,
  fetchCast,
  listLiveSessions,
  listRecordings,
  type RecordingSearch,
  RecordingsApiError,
} from './recordings-api';
import './recordings.css';

const SPEEDS = [0.5, 1, 2, 4] as const;
/** Idle-time compression: pauses longer than this play as this long (0 = as recorded). */
const IDLE_LIMITS = [0, 1, 2, 5] as const;

function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

function bytes(count: number | undefined): string {
  if (count === undefined) return '—';
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The operators' recordings page: search the recorded sessions, play one with asciinema-player
 * (play/pause, seek, speed, idle-time compression), download its .cast file. The operator token comes
 * from the link (`?token=`) or is pasted here; it stays in this page's memory only.
 */
export default function RecordingsApp({ initialToken }: { initialToken?: string | undefined }) {
  const [token, setToken] = useState(initialToken ?? '');
  const [tokenInput, setTokenInput] = useState('');
  const [search, setSearch] = useState<RecordingSearch>({});
  const [recordings, setRecordings] = useState<RecordingInfo[] | undefined>();
  /** The sessions open now (`undefined`: this token has no `watch` grant, or not yet loaded). */
  const [live, setLive] = useState<LiveSessionInfo[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [selected, setSelected] = useState<RecordingInfo | undefined>();
  const [cast, setCast] = useState<string | undefined>();
  const [speed, setSpeed] = useState<number>(1);
  const [idleLimit, setIdleLimit] = useState<number>(2);
  const [playing, setPlaying] = useState(false);
  const playerHost = useRef<HTMLDivElement>(null);
  const player = useRef<Player | undefined>(undefined);

  // The token is not left in the address bar (nor in the history) once read.
  useEffect(() => {
    if (initialToken) window.history.replaceState(null, '', '/recordings');
  }, [initialToken]);

  const run = useCallback(
    async (query: RecordingSearch) => {
      if (!token) return;
      setError(undefined);
      // The live sessions come with every search; a token without the `watch` grant has none to show.
      if (claimedGrants(token).includes('watch'))
        void listLiveSessions(token).then(setLive, () => setLive(undefined));
      try {
        setRecordings(await listRecordings(token, query));
      } catch (thrown) {
        setRecordings(undefined);
        setError(thrown instanceof RecordingsApiError ? thrown.message : String(thrown));
      }
    },
    [token],
  );

  useEffect(() => {
    void run({});
  }, [run]);

  const open = async (info: RecordingInfo) => {
    setSelected(info);
    setCast(undefined);
    try {
      setCast(await fetchCast(token, info.id));
    } catch (thrown) {
      setError(thrown instanceof RecordingsApiError ? thrown.message : String(thrown));
    }
  };

  // A new player for each recording, speed or idle limit (asciinema-player takes them at creation).
  useEffect(() => {
    const host = playerHost.current;
    if (!host || cast === undefined) return;
    const created = create({ data: cast }, host, {
      speed,
      ...(idleLimit > 0 && { idleTimeLimit: idleLimit }),
      fit: 'width',
      controls: true,
      preload: true,
    });
    created.addEventListener('play', () => setPlaying(true));
    created.addEventListener('playing', () => setPlaying(true));
    created.addEventListener('pause', () => setPlaying(false));
    created.addEventListener('ended', () => setPlaying(false));
    player.current = created;
    setPlaying(false);
    return () => {
      created.dispose();
      player.current = undefined;
    };
  }, [cast, speed, idleLimit]);

  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    void run(search);
  };

  if (!token) {
    return (
      <main className="recordings" data-testid="recordings-page">
        <h1>Recordings</h1>
        <form
          className="recordings-token"
          onSubmit={(event) => {
            event.preventDefault();
            setToken(tokenInput.trim());
          }}
        >
          <label>
            Operator token
            <input
              type="password"
              value={tokenInput}
              onChange={(event) => setTokenInput(event.target.value)}
              autoComplete="off"
            />
          </label>
          <button type="submit">Open</button>
        </form>
      </main>
    );
  }

  const field = (key: keyof RecordingSearch, label: string, type = 'text') => (
    <label>
      {label}
      <input
        type={type}
        name={key}
        value={search[key] ?? ''}
        onChange={(event) => setSearch({ ...search, [key]: event.target.value })}
      />
    </label>
  );

  return (
    <main className="recordings" data-testid="recordings-page">
      <h1>Recordings</h1>
      <form className="recordings-search" onSubmit={submitSearch} aria-label="Search recordings">
        {field('text', 'Text in the output')}
        {field('target', 'Target')}
        {field('user', 'User')}
        {field('from', 'From', 'datetime-local')}
        {field('to', 'To', 'datetime-local')}
        <button type="submit">Search</button>
      </form>
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      {live && (
        <section className="recordings-live" aria-label="Live sessions">
          <h2>Live sessions</h2>
          <table className="recordings-list" data-testid="live-sessions">
            <thead>
              <tr>
                <th>Target</th>
                <th>User</th>
                <th>Start</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {live.length === 0 && (
                <tr>
                  <td colSpan={5}>No session is open.</td>
                </tr>
              )}
              {live.map((session) => (
                <tr key={session.sessionId} data-session={session.sessionId}>
                  <td>{session.target || '—'}</td>
                  <td>{session.user || '—'}</td>
                  <td>{session.startedAt ? new Date(session.startedAt).toLocaleString() : '—'}</td>
                  <td>
                    {session.state === 'detached' ? 'waiting to be resumed' : 'attached'}
                    {session.recorded ? ' · recorded' : ''}
                  </td>
                  <td>
                    <a
                      href={watchHref(session.sessionId, token)}
                      target="_blank"
                      rel="noopener noreferrer"
                      data-testid="watch-link"
                    >
                      Watch
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {recordings && live && <h2>Recorded sessions</h2>}
      {recordings && (
        <table className="recordings-list" data-testid="recordings-list">
          <thead>
            <tr>
              <th>Target</th>
              <th>User</th>
              <th>Start</th>
              <th>Duration</th>
              <th>Bytes (host → / → host)</th>
              <th>Close reason</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {recordings.length === 0 && (
              <tr>
                <td colSpan={7}>No recording matches.</td>
              </tr>
            )}
            {recordings.map((info) => (
              <tr
                key={info.id}
                data-recording={info.id}
                className={selected?.id === info.id ? 'selected' : undefined}
              >
                <td>{info.target || '—'}</td>
                <td>{info.user || '—'}</td>
                <td>{new Date(info.startedAt).toLocaleString()}</td>
                <td>{duration(info.durationMs)}</td>
                <td>
                  {bytes(info.bytesFromHost)} / {bytes(info.bytesToHost)}
                </td>
                <td>
                  {info.live ? 'still running' : (info.closeReason ?? '—')}
                  {!info.complete && !info.live && (
                    <span className="recordings-incomplete" title={info.incompleteReason}>
                      {' '}
                      (incomplete)
                    </span>
                  )}
                </td>
                <td>
                  <button type="button" onClick={() => void open(info)}>
                    Play
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <section className="recordings-player" aria-label="Playback">
          <div className="recordings-controls">
            <strong>
              {selected.target} · {selected.user} · {new Date(selected.startedAt).toLocaleString()}
            </strong>
            <button
              type="button"
              data-testid="playback-toggle"
              disabled={cast === undefined}
              onClick={() => void (playing ? player.current?.pause() : player.current?.play())}
            >
              {playing ? 'Pause' : 'Play'}
            </button>
            <label>
              Speed
              <select value={speed} onChange={(event) => setSpeed(Number(event.target.value))}>
                {SPEEDS.map((value) => (
                  <option key={value} value={value}>
                    {value}×
                  </option>
                ))}
              </select>
            </label>
            <label>
              Idle time limit
              <select value={idleLimit} onChange={(event) => setIdleLimit(Number(event.target.value))}>
                {IDLE_LIMITS.map((value) => (
                  <option key={value} value={value}>
                    {value === 0 ? 'as recorded' : `${value} s`}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              disabled={cast === undefined}
              onClick={() =>
                cast !== undefined && downloadFile(`${selected.id}.cast`, cast, 'application/x-asciicast')
              }
            >
              Download .cast
            </button>
          </div>
          <div ref={playerHost} className="recordings-screen" data-testid="recording-player" />
        </section>
      )}
    </main>
  );
}
