import { describe, expect, it } from 'vitest';
import { LogCapture } from '../testing/gateway.js';
import { createLogger, redactUrl } from './logging.js';

describe('redactUrl', () => {
  it('hides token values and nothing else', () => {
    expect(redactUrl('/ws?target=bbs&token=abc.def.ghi')).toBe('/ws?target=bbs&token=[redacted]');
    expect(redactUrl('/embed?TOKEN=abc&x=1#frag')).toBe('/embed?TOKEN=[redacted]&x=1#frag');
    expect(redactUrl('/ws?target=token')).toBe('/ws?target=token');
  });

  it('hides tokens however the parameter name is encoded', () => {
    expect(redactUrl('/ws?target=t1&%74oken=abc')).toBe('/ws?target=t1&%74oken=[redacted]');
    expect(redactUrl('/ws?%2574%256Fken=abc')).toBe('/ws?%2574%256Fken=[redacted]');
    expect(redactUrl('/ws?to%6Ben=abc&x=1')).toBe('/ws?to%6Ben=[redacted]&x=1');
    expect(redactUrl('/ws?access_token=abc')).toBe('/ws?access_token=[redacted]');
    expect(redactUrl('/ws?target=%74oken')).toBe('/ws?target=%74oken');
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });
});

describe('createLogger', () => {
  it('never writes credentials or terminal data', () => {
    const logs = new LogCapture();
    const log = createLogger('info', logs.stream);
    log.info({ token: 't0k3n', data: 'hunter2', session: { input: 'hunter2', password: 'pw' } }, 'event');
    expect(logs.text).not.toContain('t0k3n');
    expect(logs.text).not.toContain('hunter2');
    expect(logs.text).not.toContain('"pw"');
    expect(logs.records[0]).toMatchObject({ msg: 'event', token: '[redacted]', data: '[redacted]' });
  });

  it('logs requests without headers and without the token', () => {
    const logs = new LogCapture();
    const log = createLogger('info', logs.stream);
    log.info(
      {
        req: {
          method: 'GET',
          url: '/ws?token=secret',
          ip: '192.0.2.1',
          headers: { cookie: 'c', origin: 'http://a' },
        },
      },
      'incoming request',
    );
    expect(logs.records[0]?.req).toEqual({
      method: 'GET',
      url: '/ws?token=[redacted]',
      remoteAddress: '192.0.2.1',
      origin: 'http://a',
    });
  });
});
