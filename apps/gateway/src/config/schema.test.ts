import {
  type BackspaceKey,
  KIOSK_TOOLBAR_ITEMS,
  type KioskToolbarItem,
  type TerminalMode,
} from '@telgate/protocol';
import type { EolMode } from '@telgate/telnet-core';
import { Ajv } from 'ajv';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, parseConfig } from './load.js';
import { configSchema, type RawAutoLogin, type RawConfig, type RawSettings } from './schema.js';
import type { InterruptFlush, LogLevel, NegotiationSetting, OutputMode, TargetProtocol } from './types.js';

function problems(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.where}: ${issue.message}`);
  }
  throw new Error('expected the configuration to be refused');
}

describe('the configuration schema', () => {
  it('is plain JSON Schema that strict Ajv compiles', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    const validate = ajv.compile(configSchema);
    expect(validate({ targets: [{ id: 't', host: 'h.example', eol: 'lf' }] })).toBe(true);
    expect(validate({ targets: [{ id: 't' }] })).toBe(false);
    expect(validate({ listen: { port: 1 }, unknown: true })).toBe(false);
    // Serialised, it is the same document: TypeBox's own markers are symbols, which JSON leaves out.
    expect(JSON.parse(JSON.stringify(configSchema)).properties.logging).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] } },
    });
  });

  it('gives a value of several possible kinds one message naming them', () => {
    expect(problems('security: { trustProxy: yes }')).toEqual([
      'security.trustProxy (line 1): must be true or false or a whole number or a list',
    ]);
    expect(problems('security: { auth: { eddsaPublicKey: 5 } }')).toEqual([
      'security.auth.eddsaPublicKey (line 1): must be text or a mapping (key: value)',
    ]);
    expect(problems('freeForm: { allow: [{ host: h.example, ports: true }] }')).toEqual([
      'freeForm.allow[0].ports (line 1): must be text or a whole number or a list',
    ]);
  });

  it('gives a word not in a list one message listing the words', () => {
    expect(problems('kiosk: { target: demo, toolbar: [logout, sing] }')).toEqual([
      `kiosk.toolbar[1] (line 1): must be one of ${KIOSK_TOOLBAR_ITEMS.map((item) => `'${item}'`).join(', ')}`,
    ]);
    expect(problems('cluster: { redis: { url: "redis://r", whenUnavailable: wait } }')).toEqual([
      "cluster.redis.whenUnavailable (line 1): must be one of 'local', 'refuse'",
    ]);
  });

  it('gives the shapes the code reads, derived from the schema', () => {
    expectTypeOf<RawSettings['eol']>().toEqualTypeOf<EolMode | undefined>();
    expectTypeOf<RawSettings['backspace']>().toEqualTypeOf<BackspaceKey | undefined>();
    expectTypeOf<NonNullable<RawSettings['terminal']>['mode']>().toEqualTypeOf<TerminalMode | undefined>();
    expectTypeOf<NonNullable<RawConfig['kiosk']>['toolbar']>().toEqualTypeOf<
      KioskToolbarItem[] | undefined
    >();
    expectTypeOf<NonNullable<RawConfig['targets']>[number]['id']>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<RawConfig['targets']>[number]['port']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NonNullable<RawConfig['kiosk']>['target']>().toEqualTypeOf<string>();
    expectTypeOf<RawAutoLogin['timeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NonNullable<RawConfig['security']>['trustProxy']>().toEqualTypeOf<
      boolean | number | string[] | undefined
    >();
    expectTypeOf<NegotiationSetting>().toEqualTypeOf<'active' | 'passive' | 'auto'>();
    expectTypeOf<TargetProtocol>().toEqualTypeOf<'telnet' | 'raw' | 'supdup'>();
    expectTypeOf<InterruptFlush>().toEqualTypeOf<'ao' | 'timing-mark' | 'both' | 'none'>();
    expectTypeOf<OutputMode>().toEqualTypeOf<'responsive' | 'lossless'>();
    expectTypeOf<LogLevel>().toEqualTypeOf<
      'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
    >();
  });
});
