import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderTemplate } from '@telgate/test-peers';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readCommandLine } from '../config/cli.js';
import { loadConfigFile } from '../config/load.js';

// deploy/ cannot be run here (no Docker): these checks keep its files consistent with each other and
// with the gateway. The nginx template itself runs in scale-out.test.ts.
const deploy = (name: string) => fileURLToPath(new URL(`../../../../deploy/${name}`, import.meta.url));

interface ComposeService {
  environment?: Record<string, string>;
  volumes?: string[];
}

const compose = parse(readFileSync(deploy('compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('deploy/', () => {
  it('ships a gateway configuration that loads with the environment compose and systemd give it', async () => {
    for (const id of ['a', 'b']) {
      const service = compose.services[`gateway-${id}`];
      expect(service?.environment?.TELGATE_GATEWAY_ID).toBe(id);
      const env = { ...service?.environment, TELGATE_HS256_SECRET: 's'.repeat(40) };
      const commandLine = readCommandLine([], env);
      const config = await loadConfigFile(deploy('gateway.yaml'), commandLine.overrides);
      expect(config.cluster).toMatchObject({ gatewayId: id, drainSeconds: 300 });
      expect(config.cluster.redis?.url).toBe('redis://redis:6379');
      expect(config.security.trustProxy).toBe(1);
    }
  });

  it('gives nginx every value its template needs, naming the gateways compose runs', () => {
    const nginx = compose.services.nginx!;
    const env = nginx.environment ?? {};
    const rendered = renderTemplate(readFileSync(deploy('nginx/telgate.conf.template'), 'utf8'), env);
    expect(rendered).toContain('server gateway-a:8080 max_fails=1 fail_timeout=5s;');
    expect(rendered).toMatch(/^\s+a\s+telgate_gateway_a;$/m);
    expect(rendered).toMatch(/^\s+b\s+telgate_gateway_b;$/m);
    // nginx's own variables are left for nginx.
    expect(rendered).toContain('$http_upgrade');
    expect(nginx.volumes).toContain(
      './nginx/telgate.conf.template:/etc/nginx/templates/telgate.conf.template:ro',
    );
  });
});
