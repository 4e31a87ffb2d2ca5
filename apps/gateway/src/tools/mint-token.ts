import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { mintToken, OPERATOR_GRANTS, type OperatorGrant } from '../auth/token.js';
import { ConfigError, loadConfigFile } from '../config/load.js';
import { isEntryPoint } from '../entry-point.js';

export const MINT_USAGE = `Usage: mint-token --target ID --user NAME [options]

Prints a token that opens target ID (or HOST:PORT for a free-form target) for user NAME.

Options:
  --ttl SECONDS          lifetime (default 300)
  --config FILE          take hs256Secret, issuer and audience from this gateway configuration
  --private-key FILE     sign with EdDSA and this Ed25519 private key (PKCS#8 PEM) instead of HS256
  --issuer ISS           iss claim
  --audience AUD         aud claim
  --grant GRANT          operator grant (repeatable): recordings (the recordings page), watch (the
                         list of open sessions), admin (draining the gateway); operator tokens
                         usually have --target '*'

The HS256 secret comes from TELGATE_HS256_SECRET, or else from --config.`;

export interface MintOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The mint-token command; returns the exit code. */
export async function runMintToken(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: MintOutput,
): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        target: { type: 'string' },
        user: { type: 'string' },
        ttl: { type: 'string' },
        config: { type: 'string' },
        'private-key': { type: 'string' },
        issuer: { type: 'string' },
        audience: { type: 'string' },
        grant: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    io.err(`mint-token: ${(error as Error).message}\n\n${MINT_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${MINT_USAGE}\n`);
    return 0;
  }
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const target = str('target');
  const user = str('user');
  const ttlText = str('ttl') ?? '300';
  if (!target || !user) {
    io.err(`mint-token: --target and --user are required\n\n${MINT_USAGE}\n`);
    return 2;
  }
  const grants = (values.grant as string[] | undefined) ?? [];
  const unknown = grants.find((grant) => !OPERATOR_GRANTS.includes(grant as OperatorGrant));
  if (unknown !== undefined) {
    io.err(`mint-token: --grant ${unknown} is not one of: ${OPERATOR_GRANTS.join(', ')}\n`);
    return 2;
  }
  if (!/^[1-9]\d{0,8}$/.test(ttlText)) {
    io.err('mint-token: --ttl must be a whole number of seconds\n');
    return 2;
  }

  try {
    const auth =
      str('config') === undefined ? undefined : (await loadConfigFile(str('config')!)).security.auth;
    const privateKeyFile = str('private-key');
    const issuer = str('issuer') ?? auth?.issuer;
    const audience = str('audience') ?? auth?.audience;
    const common = {
      target,
      user,
      ttlSeconds: Number(ttlText),
      ...(grants.length > 0 && { grants: grants as OperatorGrant[] }),
      ...(issuer !== undefined && { issuer }),
      ...(audience !== undefined && { audience }),
    };
    let token: string;
    if (privateKeyFile !== undefined) {
      token = await mintToken({ ...common, eddsaPrivateKey: await readFile(privateKeyFile, 'utf8') });
    } else {
      const secret = env.TELGATE_HS256_SECRET || auth?.hs256Secret;
      if (!secret) {
        io.err(
          'mint-token: no HS256 secret: set TELGATE_HS256_SECRET, give --config, or use --private-key\n',
        );
        return 1;
      }
      token = await mintToken({ ...common, hs256Secret: secret });
    }
    io.out(`${token}\n`);
    return 0;
  } catch (error) {
    io.err(
      `mint-token: ${error instanceof ConfigError ? error.message : `cannot sign: ${(error as Error).message}`}\n`,
    );
    return 1;
  }
}

if (isEntryPoint(import.meta.url)) {
  runMintToken(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
