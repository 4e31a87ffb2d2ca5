/**
 * Recording and playback: a real netkit telnetd session (with /bin/login) on a gateway that records it;
 * then the operators' recordings page finds it by a word it printed, plays it with asciinema-player,
 * and downloads the .cast file, which parses as asciicast v2.
 */
import { readFileSync } from 'node:fs';
import { TEST_PASSWORD, TEST_USER } from '@telgate/test-peers';
import { SignJWT } from 'jose';
import { castOutput, parseAsciicast } from '../../apps/gateway/src/testing/asciicast.js';
import { expect, RECORDED_URL, test } from '../fixtures.js';
import { expectPromptLast, expectScreen, run, SHELL_PROMPT, saveScreenshot } from '../terminal.js';

const secret = () => new TextEncoder().encode(process.env.TELGATE_E2E_SECRET!);

async function token(claims: Record<string, unknown>, user: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(secret());
}

/** When `word` first shows in the output, in playback seconds with idle pauses capped at `idleLimit`. */
function playbackTimeOf(
  events: ReadonlyArray<readonly [number, string, string]>,
  word: string,
  idleLimit: number,
): number {
  let played = 0;
  let last = 0;
  let output = '';
  for (const [time, code, data] of events) {
    played += Math.min(time - last, idleLimit);
    last = time;
    if (code !== 'o') continue;
    output += data;
    if (output.includes(word)) return played;
  }
  throw new Error(`${word} is not in the recording`);
}

test('a recorded netkit session is found by a word it printed, played back and downloaded', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // The word appears only in the output: the typed command computes it.
  const word = `quokka${Date.now() % 100_000}`;
  const digits = word.slice('quokka'.length);
  // The token's user reaches the host as USER (NEW-ENVIRON): /bin/login asks for that user's password.
  const userToken = await token({ tgt: 'netkit' }, TEST_USER);
  await page.goto(
    `${RECORDED_URL()}/embed?target=netkit&token=${encodeURIComponent(userToken)}&renderer=dom`,
  );
  await expectScreen(page, /Password: ?$/m, 20_000);
  await run(page, TEST_PASSWORD);
  await expectPromptLast(page, SHELL_PROMPT, 20_000);
  await run(page, 'uname -s');
  await expectScreen(page, 'Linux');
  await run(page, `echo quokka$((${digits}+0))`);
  await expectScreen(page, word);
  await run(page, 'exit');
  await expect(page.getByTestId('closed-banner')).toBeVisible({ timeout: 15_000 });

  const operatorToken = await token({ tgt: '*', 'telgate.grants': ['recordings'] }, 'operator');
  await page.goto(`${RECORDED_URL()}/recordings?token=${encodeURIComponent(operatorToken)}`);
  await expect(page.getByTestId('recordings-page')).toBeVisible();
  // The token is not left in the address bar.
  await expect(page).not.toHaveURL(/token=/);
  await page.getByLabel('Text in the output').fill(word);
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.locator('[data-testid=recordings-list] tbody tr[data-recording]');
  // The session's metadata is written as it ends; search again until it is listed.
  await expect(async () => {
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(rows).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const row = rows.first();
  await expect(row).toContainText('netkit');
  await expect(row).toContainText(TEST_USER);
  await expect(row).toContainText('GW_ERR_HOST_CLOSED');
  const id = await row.getAttribute('data-recording');

  await row.getByRole('button', { name: 'Play' }).click();
  const player = page.getByTestId('recording-player');
  await expect(player.locator('.ap-player')).toBeVisible();
  await expect(player).not.toContainText(word);
  await page.getByLabel('Idle time limit').selectOption('1');
  await expect(player.locator('.ap-player')).toBeVisible();

  // Download first: the file tells when the word was printed.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .cast' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${id}.cast`);
  const cast = parseAsciicast(readFileSync(await download.path(), 'utf8'));
  expect(cast.header.version).toBe(2);
  expect(cast.header.width).toBeGreaterThan(0);
  expect(cast.header.env?.TERM).toBe('xterm-256color');
  expect(castOutput(cast)).toContain(word);
  expect(cast.events.some(([, code]) => code === 'r' || code === 'o')).toBe(true);
  const expectedAt = playbackTimeOf(cast.events, word, 1);

  const started = Date.now();
  await page.getByTestId('playback-toggle').click();
  await expect(player).toContainText(word, { timeout: 30_000 });
  const seenAt = (Date.now() - started) / 1000;
  // It appears when it was printed (idle pauses capped at 1 s), not at once nor much later.
  expect(seenAt).toBeGreaterThan(expectedAt - 1.5);
  expect(seenAt).toBeLessThan(expectedAt + 3);
  await saveScreenshot(page, 'recordings-playback');
});
