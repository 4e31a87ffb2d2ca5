import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { loadPasteSettings } from '../app/paste-settings';
import { browserStorage } from '../app/storage';
import type { TelgateSession } from '../session/session';
import { needsConfirmation, PastePacer, PREVIEW_LINES, splitPaste } from '../terminal/paced-paste';

type PasteState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'confirm'; readonly text: string; readonly lines: readonly string[] }
  | { readonly phase: 'sending'; readonly sent: number; readonly total: number };

export interface PasteTarget {
  /** Sends text as one paste at once (bracketed when the host asked for it). */
  pasteNow(text: string): void;
  /** Whether the host turned on bracketed paste. */
  readonly bracketedPasteMode: boolean;
  focus(): void;
}

export interface PastePacing {
  /** A paste from the user: one line goes at once, more lines are asked about first. */
  request(text: string): void;
  /** Output from the host (for the wait for the echo or the prompt). */
  observe(data: Uint8Array | string): void;
  /** The question, or the progress with its Abort button, for the banners. */
  readonly banner: ReactNode;
}

/**
 * Pastes of more than one line: asked about first (line count, the first lines), then sent one line at
 * a time with the delays chosen for this host, or as one block when the host takes bracketed paste.
 * Esc cancels the question or aborts the sending.
 */
export function usePastePacing(
  session: TelgateSession,
  target: PasteTarget | undefined,
  /** A line for the host, as if typed. */
  type: (text: string) => void,
): PastePacing {
  const [state, setState] = useState<PasteState>({ phase: 'idle' });
  const pacer = useRef<PastePacer | undefined>(undefined);
  const decoder = useRef(new TextDecoder());
  const latest = useRef({ state, target, type });
  latest.current = { state, target, type };

  const stop = useCallback(() => {
    pacer.current?.abort();
    pacer.current = undefined;
    setState({ phase: 'idle' });
  }, []);

  // A paste does not outlive its session, nor the terminal it was meant for.
  useEffect(() => session.on('closed', stop), [session, stop]);
  useEffect(() => stop, [stop]);
  useEffect(() => {
    if (!target) stop();
  }, [target, stop]);

  const request = useCallback(
    (text: string) => {
      const { state: current, target: view } = latest.current;
      if (!view || current.phase !== 'idle' || text === '') return;
      // Nothing to ask about while no session runs: the terminal takes the paste as any other input.
      if (!needsConfirmation(text) || !session.isConnected) {
        view.pasteNow(text);
        return;
      }
      setState({ phase: 'confirm', text, lines: splitPaste(text).lines });
    },
    [session],
  );

  const send = () => {
    const { state: current, target: view } = latest.current;
    if (current.phase !== 'confirm' || !view) return;
    // A host that takes bracketed paste (a shell, an editor) gets the text as one block: it does not
    // run line by line, and nothing is lost to pacing.
    if (view.bracketedPasteMode) {
      setState({ phase: 'idle' });
      view.pasteNow(current.text);
      return;
    }
    const settings = loadPasteSettings(browserStorage(), session.getSnapshot().requested);
    const paced = new PastePacer(current.text, settings, {
      send: (text) => latest.current.type(text),
      progress: (sent, total) => {
        if (pacer.current === paced) setState({ phase: 'sending', sent, total });
      },
      end: () => {
        if (pacer.current !== paced) return;
        pacer.current = undefined;
        setState({ phase: 'idle' });
      },
    });
    pacer.current = paced;
    decoder.current = new TextDecoder();
    paced.start();
  };

  const cancel = () => {
    stop();
    latest.current.target?.focus();
  };

  const active = state.phase !== 'idle';
  // Esc cancels or aborts, before the terminal (which would send it to the host) sees it.
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      stop();
      latest.current.target?.focus();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [active, stop]);

  const observe = useCallback((data: Uint8Array | string) => {
    const paced = pacer.current;
    if (!paced) return;
    paced.observe(typeof data === 'string' ? data : decoder.current.decode(data, { stream: true }));
  }, []);

  return { request, observe, banner: <PasteBanner state={state} onSend={send} onCancel={cancel} /> };
}

function PasteBanner({
  state,
  onSend,
  onCancel,
}: {
  state: PasteState;
  onSend: () => void;
  onCancel: () => void;
}) {
  const sendButton = useRef<HTMLButtonElement>(null);
  const confirming = state.phase === 'confirm';
  useEffect(() => {
    if (confirming) sendButton.current?.focus();
  }, [confirming]);

  if (state.phase === 'confirm') {
    const preview = state.lines.slice(0, PREVIEW_LINES);
    const more = state.lines.length - preview.length;
    return (
      <div className="banner paste-banner" role="alertdialog" aria-label="Paste" data-testid="paste-confirm">
        <span>
          Paste <strong data-testid="paste-line-count">{state.lines.length} lines</strong>?
          <pre className="paste-preview" data-testid="paste-preview">
            {preview.join('\n')}
            {more > 0 ? `\n… ${more} more` : ''}
          </pre>
        </span>
        <button type="button" ref={sendButton} data-testid="paste-send" onClick={onSend}>
          Send
        </button>
        <button type="button" data-testid="paste-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    );
  }
  if (state.phase === 'sending') {
    return (
      <div className="banner paste-banner" role="status" data-testid="paste-progress">
        <span>
          Pasting <output data-testid="paste-count">{`${state.sent} / ${state.total}`}</output> lines
        </span>
        <progress max={state.total} value={state.sent} />
        <button type="button" data-testid="paste-abort" onClick={onCancel}>
          Abort
        </button>
      </div>
    );
  }
  return null;
}

/** Why copy or paste did not work, and what works instead; until dismissed. */
export function ClipboardNotice({
  message,
  onDismiss,
}: {
  message: string | undefined;
  onDismiss: () => void;
}) {
  if (!message) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="clipboard-notice">
      <span>{message}</span>
      <button type="button" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
