import { MAX_CHARSET_NAME_LENGTH } from '@telgate/protocol';
import { useEffect, useState } from 'react';

/** The charsets offered by name; any other that the gateway knows can be typed under "Other…". */
export const CHARSET_CHOICES: readonly { readonly value: string; readonly label: string }[] = [
  { value: 'UTF-8', label: 'UTF-8' },
  { value: 'CP437', label: 'CP437 (IBM PC)' },
  { value: 'CP437-glyphs', label: 'CP437, PC control glyphs (BBS)' },
  { value: 'ISO-8859-1', label: 'ISO-8859-1 (Latin-1)' },
  { value: 'ISO-8859-15', label: 'ISO-8859-15 (Latin-9)' },
  { value: 'windows-1252', label: 'Windows-1252' },
  { value: 'KOI8-R', label: 'KOI8-R' },
  { value: 'CP866', label: 'CP866 (DOS Cyrillic)' },
  { value: 'Shift_JIS', label: 'Shift_JIS' },
  { value: 'EUC-KR', label: 'EUC-KR' },
  { value: 'GBK', label: 'GBK' },
  { value: 'Big5', label: 'Big5' },
];

const OTHER = '\u0000other';
const DEFAULT = '';

/** The listed choice a charset name stands for (names are compared without regard to case). */
export function listedCharset(name: string): string | undefined {
  return CHARSET_CHOICES.find((choice) => choice.value.toLowerCase() === name.toLowerCase())?.value;
}

interface CharsetSelectProps {
  /** The charset in use (or chosen so far). */
  readonly value: string;
  /** A listed charset picked, or the text typed under "Other…" (checked by the gateway). */
  readonly onChange: (charset: string) => void;
  /** Other names are applied on Enter or when the field is left, not at each keystroke. */
  readonly testId: string;
  /** The select's id, for a label outside the component. */
  readonly id?: string;
  readonly disabled?: boolean;
  /** Report every keystroke under "Other…" (in a form that is submitted as a whole). */
  readonly live?: boolean;
  /** Offer "The gateway's default" first, whose value is ''. */
  readonly allowDefault?: boolean;
}

/** A select of common charsets, with "Other…" for any name. */
export function CharsetSelect({
  value,
  onChange,
  testId,
  id,
  disabled,
  live = false,
  allowDefault = false,
}: CharsetSelectProps) {
  const isDefault = allowDefault && value === DEFAULT;
  const listed = isDefault ? DEFAULT : listedCharset(value);
  const [other, setOther] = useState(listed === undefined);
  const [text, setText] = useState(listed === undefined ? value : '');
  // The gateway confirmed (or refused) a name: show what is in force.
  useEffect(() => {
    if (live) return;
    const known = listedCharset(value);
    setOther(known === undefined);
    if (known === undefined) setText(value);
  }, [value, live]);
  const commit = () => {
    const name = text.trim();
    if (name && name.toLowerCase() !== value.toLowerCase()) onChange(name);
  };
  return (
    <span className="charset-select">
      <select
        id={id}
        data-testid={testId}
        value={other ? OTHER : (listed ?? OTHER)}
        disabled={disabled}
        onChange={(event) => {
          if (event.target.value === OTHER) {
            setOther(true);
            setText('');
          } else {
            setOther(false);
            onChange(event.target.value);
          }
        }}
      >
        {allowDefault ? <option value={DEFAULT}>The gateway’s default</option> : null}
        {CHARSET_CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
        <option value={OTHER}>Other…</option>
      </select>
      {other ? (
        <input
          data-testid={`${testId}-other`}
          aria-label="Character set name"
          value={text}
          maxLength={MAX_CHARSET_NAME_LENGTH}
          placeholder="e.g. ISO-8859-2"
          disabled={disabled}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          onChange={(event) => {
            setText(event.target.value);
            if (live) onChange(event.target.value.trim());
          }}
          onBlur={live ? undefined : commit}
          onKeyDown={(event) => {
            if (!live && event.key === 'Enter') {
              event.preventDefault();
              commit();
            }
          }}
        />
      ) : null}
    </span>
  );
}
