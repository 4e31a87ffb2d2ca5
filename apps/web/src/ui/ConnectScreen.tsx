import { useEffect, useState } from 'react';
import { fetchTargetCatalog, GatewayApiError, type TargetCatalog } from '../api/gateway-api';
import type { RecentTarget } from '../app/recent-targets';
import { parsePort } from '../app/route';
import { type ConnectTarget, describeConnectTarget } from '../session/socket';
import { CharsetSelect } from './CharsetSelect';
import { hostNameProblem, hostPort } from './format';

interface ConnectScreenProps {
  readonly recent: readonly RecentTarget[];
  readonly onConnect: (target: ConnectTarget, label?: string) => void;
  readonly onForget: (target: RecentTarget) => void;
  /** A problem with the link that brought the user here. */
  readonly notice?: string;
}

type Catalog =
  | { state: 'loading' }
  | { state: 'ready'; catalog: TargetCatalog }
  | { state: 'failed'; message: string };

/** The hosts this gateway offers, the ones used lately, and a free-form host when the gateway allows it. */
export function ConnectScreen({ recent, onConnect, onForget, notice }: ConnectScreenProps) {
  const [catalog, setCatalog] = useState<Catalog>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` changes when the user asks to try again
  useEffect(() => {
    let current = true;
    setCatalog({ state: 'loading' });
    fetchTargetCatalog()
      .then((result) => current && setCatalog({ state: 'ready', catalog: result }))
      .catch((err: unknown) => {
        const message = err instanceof GatewayApiError ? err.message : 'The target list could not be loaded.';
        if (current) setCatalog({ state: 'failed', message });
      });
    return () => {
      current = false;
    };
  }, [attempt]);

  const freeForm = catalog.state === 'ready' && catalog.catalog.freeForm;

  return (
    <main className="connect" data-testid="connect-screen">
      <h1>telgate</h1>
      <p className="connect-lead">A terminal for Telnet hosts. Choose where to connect.</p>
      {notice ? (
        <p className="banner banner-error" role="alert" data-testid="connect-notice">
          {notice}
        </p>
      ) : null}

      <section aria-labelledby="targets-heading">
        <h2 id="targets-heading">Hosts</h2>
        {catalog.state === 'loading' ? <p data-testid="targets-loading">Loading the host list…</p> : null}
        {catalog.state === 'failed' ? (
          <p className="banner banner-error" role="alert" data-testid="targets-error">
            {catalog.message}{' '}
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </p>
        ) : null}
        {catalog.state === 'ready' && catalog.catalog.authMode === 'token' ? (
          <p className="banner banner-info" data-testid="token-required">
            This gateway requires an access token. Open terminals from the site that links to them.
          </p>
        ) : null}
        {catalog.state === 'ready' && catalog.catalog.targets.length === 0 ? (
          <p data-testid="targets-empty">This gateway has no hosts configured.</p>
        ) : null}
        {catalog.state === 'ready' ? (
          <ul className="target-list" data-testid="target-list">
            {catalog.catalog.targets.map((target) => (
              <li key={target.id}>
                <button
                  type="button"
                  className="target"
                  data-testid="target"
                  data-target-id={target.id}
                  onClick={() => onConnect({ kind: 'target', id: target.id }, target.label)}
                >
                  <span className="target-label">{target.label}</span>
                  <span className="target-address">{hostPort(target.host, target.port)}</span>
                  {target.charset.toUpperCase() !== 'UTF-8' ? (
                    <span className="badge">{target.charset}</span>
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      {freeForm ? <FreeFormHost onConnect={onConnect} /> : null}

      {recent.length > 0 ? (
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent</h2>
          <ul className="target-list" data-testid="recent-list">
            {recent.map((entry) => {
              const name = describeConnectTarget(entry);
              const label = entry.label && entry.label !== name ? entry.label : undefined;
              return (
                <li key={`${entry.kind}:${name}`} className="recent">
                  <button
                    type="button"
                    className="target"
                    data-testid="recent-target"
                    data-target={name}
                    onClick={() => onConnect(stripLabel(entry), entry.label)}
                  >
                    <span className="target-label">{label ?? name}</span>
                    {label ? <span className="target-address">{name}</span> : null}
                  </button>
                  <button
                    type="button"
                    className="forget"
                    aria-label={`Forget ${label ?? name}`}
                    data-testid="recent-forget"
                    onClick={() => onForget(entry)}
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </main>
  );
}

function stripLabel(entry: RecentTarget): ConnectTarget {
  if (entry.kind === 'target') return { kind: 'target', id: entry.id };
  return { kind: 'host', host: entry.host, ...(entry.port === undefined ? {} : { port: entry.port }) };
}

function FreeFormHost({ onConnect }: { onConnect: ConnectScreenProps['onConnect'] }) {
  const [host, setHost] = useState('');
  const [port, setPort] = useState('23');
  /** '' leaves the charset to the gateway's free-form default. */
  const [charset, setCharset] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  return (
    <section aria-labelledby="free-form-heading">
      <h2 id="free-form-heading">Other host</h2>
      <form
        className="free-form"
        data-testid="free-form"
        onSubmit={(event) => {
          event.preventDefault();
          const name = host.trim();
          const number = parsePort(port);
          if (!name) return setProblem('Enter a host name or address.');
          const invalid = hostNameProblem(name);
          if (invalid) return setProblem(invalid);
          if (number === undefined) return setProblem('The port must be a number from 1 to 65535.');
          setProblem(undefined);
          onConnect({ kind: 'host', host: name, port: number, ...(charset ? { charset } : {}) });
        }}
      >
        <label>
          Host
          <input
            data-testid="free-form-host"
            value={host}
            onChange={(event) => setHost(event.target.value)}
            placeholder="bbs.example.org"
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        <label>
          Port
          <input
            data-testid="free-form-port"
            value={port}
            onChange={(event) => setPort(event.target.value)}
            inputMode="numeric"
            size={6}
          />
        </label>
        <label htmlFor="free-form-charset">
          Character set
          <CharsetSelect
            id="free-form-charset"
            value={charset}
            onChange={setCharset}
            testId="free-form-charset"
            live
            allowDefault
          />
        </label>
        <button type="submit" className="primary" data-testid="free-form-connect">
          Connect
        </button>
        {problem ? (
          <p className="form-problem" role="alert" data-testid="free-form-problem">
            {problem}
          </p>
        ) : null}
      </form>
    </section>
  );
}
