import { FitAddon } from '@xterm/addon-fit';
import type { ISearchOptions, SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { IBufferCell, IDisposable, ILink, ITheme, Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import {
  browserClipboard,
  copyProblem,
  copyText,
  isMac,
  pasteMethod,
  pasteProblem,
  readText,
} from './clipboard';
import { ownLine, toNormalScreen } from './closing-line';
import { createTerminal } from './create-terminal';
import { isSoftwareRenderer, webglRendererName } from './gpu';
import { findMailtoLinks, openLink, type RowCell, rowText } from './links';
import { drawPicture } from './screen-picture';
import { bufferText } from './session-text';
import { TERMINAL_FONT, TERMINAL_THEMES, type Theme } from './themes';
import { VisualBell } from './visual-bell';

/** Which xterm.js renderer to use: WebGL when it works (the default), or always the DOM renderer. */
export type RendererChoice = 'auto' | 'dom';

export interface TerminalViewOptions {
  readonly fontSize: number;
  /** A CSS font stack; the default one (TERMINAL_FONT) when absent. */
  readonly fontFamily?: string;
  /** xterm.js's screen-reader mode (an accessibility tree of the rows, output read out). */
  readonly screenReader?: boolean;
  readonly theme: Theme;
  /** Lines kept above the screen. */
  readonly scrollback: number;
  readonly renderer: RendererChoice;
  /** Make links in the output clickable (not in a kiosk, where nothing may lead elsewhere). */
  readonly links: boolean;
  /** Ctrl-]: open the command palette. */
  readonly onPaletteKey: () => void;
  /** Cmd-F / Ctrl-Shift-F: open the search bar. */
  readonly onSearchKey: () => void;
  /**
   * Text the user pasted (the browser's paste, right-click, the Paste command); absent: xterm.js sends
   * it as input at once.
   */
  readonly onPaste?: (text: string) => void;
  /** Copy or paste did not work: why, and what works instead. */
  readonly onClipboardProblem?: (message: string) => void;
  /**
   * Keep the size of the screen pictures the gateway sends instead of fitting the container once one
   * came: a page watching another's session shows it at the user's size, laid out as the user sees it.
   */
  readonly followPicture?: boolean;
}

export type ActiveRenderer = 'dom' | 'webgl';

/** Waiting this long after the last size change before fitting keeps window drags cheap. */
const RESIZE_DEBOUNCE_MS = 60;
/** Copy on select waits for the selection to settle (a drag changes it at every move). */
const SELECTION_COPY_DELAY_MS = 100;
/** How long the renderer's choice waits for a host's first output before it is made anyway. */
const WEBGL_QUIET_HOST_MS = 1000;

/**
 * The xterm.js terminal with everything around it: fitting to its container (every size change
 * becomes a RESIZE, hence NAWS), the WebGL renderer with a fallback to the DOM one, search, safe links,
 * Unicode 11 widths, and the clipboard shortcuts of desktop terminals.
 */
export class TerminalView {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  /** A screen picture was drawn (`followPicture`: the terminal keeps its size from then on). */
  private pictureShown = false;
  private search: SearchAddon | undefined;
  private readonly disposables: IDisposable[] = [];
  private readonly resizeObserver: ResizeObserver;
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private selectionTimer: ReturnType<typeof setTimeout> | undefined;
  private webglFrame: number | undefined;
  private webglTimer: ReturnType<typeof setTimeout> | undefined;
  /** Copy on select says once that it cannot copy, not at every selection. */
  private copyProblemShown = false;
  private disposed = false;
  /** While a SCREEN picture takes its own size, which is not the page's. */
  private quietResize = false;
  private activeRenderer: ActiveRenderer = 'dom';
  private readonly rendererListeners = new Set<(renderer: ActiveRenderer) => void>();
  private searchResults: ((index: number, count: number) => void) | undefined;
  private readonly bell: VisualBell;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: TerminalViewOptions,
  ) {
    this.term = createTerminal({
      fontFamily: options.fontFamily ?? TERMINAL_FONT,
      fontSize: options.fontSize,
      screenReaderMode: options.screenReader ?? false,
      theme: TERMINAL_THEMES[options.theme],
      scrollback: options.scrollback,
      cursorBlink: true,
      // Box-drawing and block characters drawn by xterm.js itself, cell-exact in any font: ANSI art
      // joins up (the default, set here so it stays on).
      customGlyphs: true,
      // Needed for the Unicode 11 width tables and search result decorations.
      allowProposedApi: true,
      macOptionIsMeta: true,
      // OSC 8 hyperlinks: only safe schemes open, never with a handle on this page, and none at all
      // without links (a handler is always set: without one, xterm.js offers to open any link).
      linkHandler: {
        activate: (_event, text) => {
          if (options.links) openLink(text);
        },
        allowNonHttpProtocols: options.links,
      },
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(new Unicode11Addon());
    this.term.unicode.activeVersion = '11';
    if (options.links) {
      this.term.loadAddon(new WebLinksAddon((_event, uri) => void openLink(uri)));
      this.disposables.push(this.registerMailtoLinks());
    }
    this.term.attachCustomKeyEventHandler((event) => this.onKey(event));
    this.term.open(container);
    this.disposables.push(
      this.term.onSelectionChange(() => {
        // Copy on select, like X terminals, once the selection settles.
        clearTimeout(this.selectionTimer);
        this.selectionTimer = setTimeout(() => void this.copyOnSelect(), SELECTION_COPY_DELAY_MS);
      }),
    );
    // BEL from the host: a brief flash of the terminal (an outline with reduced motion), never a sound.
    this.bell = new VisualBell(container, {
      reducedMotion: () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false,
    });
    this.disposables.push(this.term.onBell(() => this.bell.ring()));
    container.addEventListener('contextmenu', this.onContextMenu);
    // Before xterm.js's own paste handler (on its textarea inside the container) sends the text as is.
    container.addEventListener('paste', this.onPasteEvent, true);

    this.resizeObserver = new ResizeObserver(() => this.scheduleFit());
    this.resizeObserver.observe(container);
    this.fitNow();
    if (options.renderer === 'auto') this.enableWebglLater();
  }

  /**
   * Asking the browser which GPU WebGL would use creates a WebGL context, which takes tens of
   * milliseconds (more when drawn in software), and the renderer's switch redraws the screen: both wait
   * until the host's first output is on the screen (or a quiet host has had a moment), so neither
   * delays opening the session nor its first lines.
   */
  private enableWebglLater(): void {
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      firstOutput.dispose();
      clearTimeout(this.webglTimer);
      // After the frame that draws that output.
      this.webglFrame = requestAnimationFrame(() => {
        this.webglTimer = setTimeout(() => void this.enableWebgl(), 0);
      });
    };
    const firstOutput = this.term.onWriteParsed(start);
    this.disposables.push(firstOutput);
    this.webglTimer = setTimeout(start, WEBGL_QUIET_HOST_MS);
  }

  // ------------------------------------------------------------------ output and input

  /** Renders `data`; `rendered` runs once xterm.js has parsed it (flow control). */
  write(data: Uint8Array | string, rendered?: () => void): void {
    if (this.disposed) return;
    this.term.write(data, rendered);
  }

  /**
   * Writes `text` on a line of its own on the normal screen, after all the output written so far:
   * a full-screen program's alternate screen is left first (the program ended with the session).
   */
  writeOwnLine(text: string): void {
    if (this.disposed) return;
    // The buffer is looked at once xterm.js has parsed everything before: the callbacks run in order.
    this.term.write('', () => {
      if (this.disposed) return;
      this.term.write(toNormalScreen(this.term.buffer.active.type === 'alternate'), () => {
        if (!this.disposed) this.term.write(ownLine(text, this.term.buffer.active.cursorX));
      });
    });
  }

  /**
   * Replaces everything with the gateway's picture of the terminal (after a resume, or after skipped
   * output): once the output written before it is parsed, a full reset, the picture's size while its
   * text is written, then the size that fits the page again. The picture's size is not reported as a
   * resize: only the page's size goes to the host.
   */
  showScreen(cols: number, rows: number, data: Uint8Array, rendered: () => void): void {
    if (this.disposed) return;
    drawPicture(this.term, cols, rows, data, {
      alive: () => !this.disposed,
      resize: (pictureCols, pictureRows) => {
        this.quietResize = true;
        try {
          this.term.resize(pictureCols, pictureRows);
        } finally {
          this.quietResize = false;
        }
      },
      drawn: () => {
        this.pictureShown = true;
        rendered();
        this.fitNow();
      },
    });
  }

  onData(listener: (data: string) => void): IDisposable {
    return this.term.onData(listener);
  }

  onResize(listener: (size: { cols: number; rows: number }) => void): IDisposable {
    return this.term.onResize((size) => {
      if (!this.quietResize) listener(size);
    });
  }

  onTitle(listener: (title: string) => void): IDisposable {
    return this.term.onTitleChange(listener);
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.term.cols, rows: this.term.rows };
  }

  /** Whether the host switched the arrow keys to application mode (DECCKM). */
  get applicationCursorMode(): boolean {
    return this.term.modes.applicationCursorKeysMode;
  }

  focus(): void {
    this.term.focus();
  }

  // ------------------------------------------------------------------ appearance

  setTheme(theme: Theme | ITheme): void {
    this.term.options.theme = typeof theme === 'string' ? TERMINAL_THEMES[theme] : theme;
  }

  setFontSize(size: number): void {
    if (this.term.options.fontSize === size) return;
    this.term.options.fontSize = size;
    this.fitNow();
  }

  /** A CSS font stack; the cells change size, so the terminal fits its container again. */
  setFontFamily(stack: string): void {
    if (this.term.options.fontFamily === stack) return;
    this.term.options.fontFamily = stack;
    this.fitNow();
  }

  /** Screen-reader mode on or off, at once: the rows appear in (or leave) the accessibility tree. */
  setScreenReaderMode(on: boolean): void {
    if (this.term.options.screenReaderMode !== on) this.term.options.screenReaderMode = on;
  }

  /** Lines kept above the screen; fewer drops the oldest at once. */
  setScrollback(lines: number): void {
    if (this.term.options.scrollback !== lines) this.term.options.scrollback = lines;
  }

  get renderer(): ActiveRenderer {
    return this.activeRenderer;
  }

  onRendererChange(listener: (renderer: ActiveRenderer) => void): () => void {
    this.rendererListeners.add(listener);
    return () => {
      this.rendererListeners.delete(listener);
    };
  }

  // ------------------------------------------------------------------ search and clipboard

  /**
   * Finds `query` from the current match onward. The search addon is loaded on first use, keeping it
   * out of the initial download. Calls `onResults` with the match count when it changes.
   */
  async find(
    query: string,
    direction: 'next' | 'previous',
    onResults?: (index: number, count: number) => void,
    options: Pick<ISearchOptions, 'caseSensitive' | 'regex' | 'incremental'> = {},
  ): Promise<boolean> {
    const search = await this.searchAddon(onResults);
    if (!search || this.disposed) return false;
    if (query === '') {
      search.clearDecorations();
      this.term.clearSelection();
      return false;
    }
    const theme = this.term.options.theme ?? {};
    const searchOptions: ISearchOptions = {
      ...options,
      decorations: {
        matchBackground: theme.selectionBackground ?? '#555555',
        matchOverviewRuler: theme.yellow ?? '#888800',
        activeMatchBackground: theme.cursor ?? '#ffaa00',
        activeMatchColorOverviewRuler: theme.cursor ?? '#ffaa00',
      },
    };
    return direction === 'next'
      ? search.findNext(query, searchOptions)
      : search.findPrevious(query, searchOptions);
  }

  clearSearch(): void {
    this.search?.clearDecorations();
    this.term.clearSelection();
  }

  /** Copies the selection; says why when the browser does not let it. */
  async copySelection(): Promise<boolean> {
    const selection = this.term.getSelection();
    if (!selection) return false;
    const env = browserClipboard();
    const copied = await copyText(selection, env);
    if (!copied) this.options.onClipboardProblem?.(copyProblem(env, isMac()));
    return copied;
  }

  /**
   * Pastes the clipboard (through `onPaste` when set). Where the page may not read it (plain HTTP, no
   * permission) it says so: the browser's own paste (its shortcut or menu) still works there.
   */
  async pasteFromClipboard(): Promise<boolean> {
    const env = browserClipboard();
    const text = await readText(env);
    if (text === undefined) {
      this.options.onClipboardProblem?.(pasteProblem(env, isMac()));
      return false;
    }
    if (text) this.pasted(text);
    return text.length > 0;
  }

  /**
   * Sends `text` as one paste, at once: line breaks become Enter, and xterm.js wraps it in bracketed
   * paste markers (ESC[200~ … ESC[201~) when the host asked for them.
   */
  pasteNow(text: string): void {
    if (!this.disposed) this.term.paste(text);
  }

  /** Every line of the buffer on screen (scrollback and screen) as text; see bufferText. */
  text(): string {
    return bufferText(this.term.buffer.active);
  }

  /**
   * The same with colours and attributes, as an HTML document (xterm.js's serialize addon, loaded on
   * first use). Undefined once the terminal is gone.
   */
  async html(): Promise<string | undefined> {
    const { SerializeAddon } = await import('@xterm/addon-serialize');
    if (this.disposed) return undefined;
    const serialize = new SerializeAddon();
    this.term.loadAddon(serialize);
    try {
      const fragment = serialize.serializeAsHTML({ includeGlobalBackground: true });
      // A document of its own, read as UTF-8 whatever the browser would guess.
      return `<!DOCTYPE html>\n${fragment.replace('<html><body>', '<html><head><meta charset="utf-8"></head><body>')}`;
    } finally {
      serialize.dispose();
    }
  }

  /** Whether the host turned on bracketed paste (DECSET 2004): it then takes a paste as one block. */
  get bracketedPasteMode(): boolean {
    return this.term.modes.bracketedPasteMode;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.resizeTimer);
    clearTimeout(this.selectionTimer);
    if (this.webglFrame !== undefined) cancelAnimationFrame(this.webglFrame);
    clearTimeout(this.webglTimer);
    this.resizeObserver.disconnect();
    this.container.removeEventListener('contextmenu', this.onContextMenu);
    this.container.removeEventListener('paste', this.onPasteEvent, true);
    for (const disposable of this.disposables) disposable.dispose();
    this.bell.dispose();
    this.rendererListeners.clear();
    this.term.dispose();
  }

  // ------------------------------------------------------------------ internals

  private onKey(event: KeyboardEvent): boolean {
    if (event.type !== 'keydown') return true;
    const key = event.key.toLowerCase();
    if (
      event.ctrlKey &&
      !event.altKey &&
      !event.metaKey &&
      (event.key === ']' || event.code === 'BracketRight')
    ) {
      event.preventDefault();
      this.options.onPaletteKey();
      return false;
    }
    const searchShortcut =
      (event.metaKey && !event.ctrlKey && !event.altKey && !event.shiftKey && key === 'f') ||
      (event.ctrlKey && event.shiftKey && !event.altKey && !event.metaKey && key === 'f');
    if (searchShortcut) {
      event.preventDefault();
      this.options.onSearchKey();
      return false;
    }
    if (event.ctrlKey && event.shiftKey && !event.altKey && !event.metaKey) {
      if (key === 'c') {
        event.preventDefault();
        void this.copySelection();
        return false;
      }
      // Not handled here, and not prevented: the browser's own paste event follows, which xterm.js
      // turns into input without needing clipboard permission.
      if (key === 'v') return false;
    }
    return true;
  }

  private readonly onContextMenu = (event: MouseEvent): void => {
    // Right-click pastes, as in PuTTY. Without a readable clipboard, the browser's menu (with its
    // own Paste, which xterm.js supports) appears instead.
    if (pasteMethod(browserClipboard()) !== 'clipboard-api' || event.shiftKey) return;
    event.preventDefault();
    void this.pasteFromClipboard();
  };

  private pasted(text: string): void {
    if (this.options.onPaste) this.options.onPaste(text);
    else this.pasteNow(text);
  }

  private readonly onPasteEvent = (event: ClipboardEvent): void => {
    if (!this.options.onPaste) return;
    const text = event.clipboardData?.getData('text/plain') ?? '';
    event.preventDefault();
    event.stopPropagation();
    if (text) this.pasted(text);
  };

  private async copyOnSelect(): Promise<void> {
    const selection = this.term.getSelection();
    if (!selection || this.disposed) return;
    const env = browserClipboard();
    if (await copyText(selection, env)) return;
    if (this.copyProblemShown) return;
    this.copyProblemShown = true;
    this.options.onClipboardProblem?.(copyProblem(env, isMac()));
  }

  private scheduleFit(): void {
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => this.fitNow(), RESIZE_DEBOUNCE_MS);
  }

  private fitNow(): void {
    if (this.disposed) return;
    // A watching page keeps the size of the user's terminal, as the last picture gave it.
    if (this.options.followPicture && this.pictureShown) return;
    // A hidden container (zero size) has no meaningful cell count: keep the last one.
    if (this.container.clientWidth === 0 || this.container.clientHeight === 0) return;
    this.fit.fit();
  }

  /** WebGL when the browser has it, loaded after the first paint; the DOM renderer otherwise. */
  private async enableWebgl(): Promise<void> {
    if (this.disposed) return;
    // Software WebGL draws several times slower than the DOM renderer: not worth it.
    if (isSoftwareRenderer(webglRendererName())) return;
    try {
      const { WebglAddon } = await import('@xterm/addon-webgl');
      if (this.disposed) return;
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        // The GPU reset or the browser reclaimed the context: back to the DOM renderer for good.
        webgl.dispose();
        this.setRenderer('dom');
      });
      this.term.loadAddon(webgl);
      this.setRenderer('webgl');
    } catch {
      this.setRenderer('dom'); // no WebGL2 (or the chunk failed to load): the DOM renderer stays
    }
  }

  private setRenderer(renderer: ActiveRenderer): void {
    this.activeRenderer = renderer;
    for (const listener of [...this.rendererListeners]) listener(renderer);
  }

  private async searchAddon(
    onResults?: (index: number, count: number) => void,
  ): Promise<SearchAddon | undefined> {
    if (!this.search) {
      const { SearchAddon } = await import('@xterm/addon-search');
      if (this.disposed) return undefined;
      if (!this.search) {
        this.search = new SearchAddon();
        this.term.loadAddon(this.search);
        this.disposables.push(
          this.search.onDidChangeResults(({ resultIndex, resultCount }) =>
            this.searchResults?.(resultIndex, resultCount),
          ),
        );
      }
    }
    if (onResults) this.searchResults = onResults;
    return this.search;
  }

  /** mailto: links, which the web-links addon does not handle; one row at a time. */
  private registerMailtoLinks(): IDisposable {
    let cell: IBufferCell | undefined;
    return this.term.registerLinkProvider({
      provideLinks: (y, callback) => {
        const line = this.term.buffer.active.getLine(y - 1);
        if (!line) return callback(undefined);
        const cells: RowCell[] = [];
        for (let x = 0; x < line.length; x++) {
          cell = line.getCell(x, cell);
          cells.push({ chars: cell?.getChars() ?? '', width: cell?.getWidth() ?? 1 });
        }
        const { text, columns } = rowText(cells);
        const links: ILink[] = findMailtoLinks(text).map((link) => {
          const startColumn = columns[link.start]!;
          const lastColumn = columns[link.end - 1]!;
          const lastWidth = Math.max(1, cells[lastColumn]?.width ?? 1);
          return {
            range: { start: { x: startColumn + 1, y }, end: { x: lastColumn + lastWidth, y } },
            text: link.url,
            activate: (_event, text) => void openLink(text),
          };
        });
        callback(links.length > 0 ? links : undefined);
      },
    });
  }
}
