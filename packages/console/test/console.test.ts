import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replies } from '@claude-code-server/fake-anthropic';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Browser, launchBrowser } from './support/browser.js';
import { API_KEY, type ConsoleServer, startConsoleServer } from './support/console-server.js';

// UPDATE_SCREENSHOTS=1 writes the README's pictures; otherwise they go to a temp folder.
const screenshotsDir =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../screenshots/', import.meta.url))
    : await mkdtemp(join(tmpdir(), 'ccs-console-shots-'));
mkdirSync(screenshotsDir, { recursive: true });

let env: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  env = await startConsoleServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
  if (process.env.UPDATE_SCREENSHOTS !== '1') await rm(screenshotsDir, { recursive: true, force: true });
});

async function signIn(page: Page, userId: string, key = API_KEY): Promise<void> {
  await page.goto(`${env.url}/console/`);
  await page.getByLabel('API key').fill(key);
  await page.getByLabel('User id').fill(userId);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signedIn(userId: string): Promise<Page> {
  const page = await browser.context.newPage();
  await signIn(page, userId);
  await page.getByRole('button', { name: 'New chat' }).waitFor();
  return page;
}

async function send(page: Page, message: string): Promise<void> {
  const box = page.getByLabel('Message');
  await box.fill(message);
  await box.press('Enter');
}

const lastAnswer = (page: Page) => page.getByTestId('live-answer').last();

describe('serving', () => {
  it('serves the page at /console with a strict CSP, index.html for deep links, 404 for a missing asset', async () => {
    const redirect = await fetch(`${env.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/console/');
    const page = await fetch(`${env.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    const deep = await fetch(`${env.url}/console/tasks/anything`, { headers: { Accept: 'text/html' } });
    expect(await deep.text()).toContain('<div id="root">');
    expect((await fetch(`${env.url}/console/assets/missing.js`)).status).toBe(404);
    // The API is still behind it.
    expect((await fetch(`${env.url}/health`)).status).toBe(200);
  });
});

describe('sign-in', () => {
  it('refuses a wrong key with the reason, then signs in with the right one', async () => {
    const page = await browser.context.newPage();
    await signIn(page, 'alice', 'not-the-key-at-all-0000');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      "This API key was refused: the API key is not valid. Check the key (auth.keys in the server's config).",
    );
    await page.getByLabel('API key').fill('');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This server needs an API key').waitFor();
    await page.getByLabel('API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'New chat' }).waitFor();
    expect(await page.locator('.who').textContent()).toContain('alice');
    await page.close();
  });

  it('needs no key when the server runs without keys', async () => {
    const open = await startConsoleServer({ auth: 'none' });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${open.url}/console/`);
      await page.getByPlaceholder('not needed: this server runs without keys').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'New chat' }).waitFor();
      await page.close();
    } finally {
      await open.close();
    }
  });
});

describe('chat', () => {
  it('shows a streamed answer while the turn still runs, then its cost and tokens', async () => {
    const page = await signedIn('streamer');
    env.fake.enqueue(
      replies.text('First words arrive early, the rest follows.', {
        chunks: ['First words ', 'arrive early, ', 'the rest follows.'],
        delayMs: 1500,
      }),
    );
    await send(page, 'Tell me slowly');
    const answer = lastAnswer(page);
    await answer.getByText('First words').waitFor();
    // The first words are on the screen while the server still runs the turn.
    expect(env.server.agent.stats().runningTurns).toBe(1);
    expect(await answer.getAttribute('data-status')).toBe('running');
    expect(await answer.getByTestId('turn-meta').count()).toBe(0);
    await answer.getByTestId('turn-meta').waitFor();
    expect(await answer.getAttribute('data-status')).toBe('done');
    expect(await answer.locator('.markdown').textContent()).toBe(
      'First words arrive early, the rest follows.',
    );
    expect(await answer.getByTestId('turn-meta').textContent()).toMatch(
      /^\$\d+\.\d{4} · [\d,]+ in · [\d,]+ out tokens · [\d.]+ m?s/,
    );
    await page.close();
  });

  it('keeps Shift+Enter as a new line, renders markdown safely and shows a tool call collapsed', async () => {
    const page = await signedIn('reader');
    const notes = join(env.cli.workDir, 'notes.txt');
    await writeFile(notes, 'hello from the notes\n');
    env.fake.enqueue(
      replies.toolUse('Read', { file_path: notes }),
      replies.text(
        'The note says **hello**.\n\n```js\nconsole.log("hi");\n```\n\n<img src=x onerror="window.pwned=1">',
      ),
    );
    const box = page.getByLabel('Message');
    await box.fill('Read the note');
    await box.press('Shift+Enter');
    await box.pressSequentially('please');
    expect(await box.inputValue()).toBe('Read the note\nplease');
    expect(await page.getByTestId('live-answer').count()).toBe(0);
    await box.press('Enter');
    const answer = lastAnswer(page);
    await answer.getByTestId('turn-meta').waitFor();
    expect(await page.locator('.message-user .plain').last().textContent()).toBe('Read the note\nplease');

    const markdown = answer.locator('.markdown');
    expect(await markdown.locator('strong').textContent()).toBe('hello');
    expect(await markdown.locator('pre code').textContent()).toBe('console.log("hi");\n');
    // The model's HTML is shown as text, never run.
    expect(await markdown.locator('img').count()).toBe(0);
    expect(await markdown.textContent()).toContain('<img src=x onerror="window.pwned=1">');
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();

    const tool = answer.getByTestId('tool-call');
    expect(await tool.evaluate((element) => (element as unknown as { open: boolean }).open)).toBe(false);
    expect(await tool.locator('summary').textContent()).toBe('Readdone');
    await tool.locator('summary').click();
    const body = await tool.locator('.tool-body').textContent();
    expect(body).toContain(`"file_path": "${notes}"`);
    expect(body).toContain('hello from the notes');
    await page.screenshot({ path: join(screenshotsDir, 'chat-desktop.png') });
    await page.close();
  });

  it('stops a running answer; the session answers the next message', async () => {
    const page = await signedIn('stopper');
    env.fake.enqueue(replies.text('one two three four five six seven eight', { chunks: 8, delayMs: 1000 }));
    await send(page, 'Count slowly');
    await lastAnswer(page).getByText('one').waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('[data-testid="live-answer"][data-status="stopped"]').waitFor();
    await vi.waitFor(() => expect(env.server.agent.stats().runningTurns).toBe(0), { timeout: 30_000 });
    await send(page, 'Still there?');
    await lastAnswer(page).getByText('Hello from fake-anthropic.').waitFor();
    await lastAnswer(page).getByTestId('turn-meta').waitFor();
    await page.close();
  });

  it('starts over: the session is cleared on the server', async () => {
    const page = await signedIn('restarter');
    await send(page, 'Remember this');
    await lastAnswer(page).getByTestId('turn-meta').waitFor();
    const sessionId = await page.locator('.session-title').textContent();
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Start over' }).click();
    await page.getByText('A new conversation. Say something.').waitFor();
    const history = await fetch(`${env.url}/session/${sessionId}/history`, {
      headers: { 'X-API-Key': API_KEY },
    });
    expect(history.status).toBe(404);
    await page.close();
  });
});

describe('sessions and history', () => {
  it('lists the sessions and pages back through a long history', async () => {
    // 11 turns: 22 stored messages, more than one page of 20.
    for (let turn = 1; turn <= 11; turn += 1) {
      const response = await fetch(`${env.url}/chat`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': API_KEY },
        body: JSON.stringify({ message: `message ${turn}`, user_id: 'historian', session_id: 'long-talk' }),
      });
      expect(response.status).toBe(200);
    }
    const page = await signedIn('historian');
    await page.getByRole('button', { name: /long-talk/ }).click();
    const messages = page.getByTestId('history-message');
    await vi.waitFor(async () => expect(await messages.count()).toBe(20));
    expect(await messages.first().getAttribute('data-seq')).toBe('3');
    await page.getByRole('button', { name: 'Load earlier messages (2 more)' }).click();
    await vi.waitFor(async () => expect(await messages.count()).toBe(22));
    expect(await messages.first().getAttribute('data-seq')).toBe('1');
    expect(await messages.first().textContent()).toContain('message 1');
    expect(await page.getByRole('button', { name: /Load earlier/ }).count()).toBe(0);

    // On a phone-sized screen the sessions are a drawer; the reloaded page is still signed in.
    await page.setViewportSize({ width: 390, height: 760 });
    await page.reload();
    await page.getByRole('button', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: /long-talk/ }).waitFor();
    await page.screenshot({ path: join(screenshotsDir, 'sessions-phone.png') });
    // A tap on the dimmed part beside the drawer closes it.
    await page.getByRole('button', { name: 'Close sessions' }).click({ position: { x: 370, y: 300 } });
    expect(await page.getByRole('button', { name: /long-talk/ }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: /long-talk/ }).click();
    await vi.waitFor(async () => expect(await messages.count()).toBe(20));
    expect(await page.getByLabel('Message').isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshotsDir, 'chat-phone.png') });
    await page.close();
  });
});

describe('tasks and status', () => {
  it('sends a message as a task and follows its state to the answer', async () => {
    const page = await signedIn('tasker');
    await page.getByLabel('as a task').check();
    await send(page, 'Work on this in the background');
    await page.getByText(/Sent as task task_/).waitFor();
    await page.getByRole('link', { name: 'Tasks (1)' }).click();
    const task = page.getByTestId('task');
    await page.locator('[data-testid="task"][data-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await task.locator('.markdown').textContent()).toBe('Hello from fake-anthropic.');
    await page.close();
  });

  it('shows health, the pool and the turn counters', async () => {
    const page = await signedIn('watcher');
    await page.getByRole('link', { name: 'Status' }).click();
    await page.locator('[data-testid="health"][data-status="healthy"]').waitFor();
    const metrics = page.getByTestId('metrics');
    await metrics.waitFor();
    const liveProcesses = Number(await metrics.locator('.figure-value').first().textContent());
    expect(liveProcesses).toBe(env.server.agent.stats().pool.live);
    expect(await metrics.textContent()).toContain('turns answered');
    await page.close();
  });
});

/** The model's next call is a Write of `content` to `fileName` in the project; then it says `after`. */
function queueWrite(fileName: string, content: string, after: string): string {
  const target = join(env.cli.workDir, fileName);
  env.fake.enqueue(replies.toolUse('Write', { file_path: target, content }), replies.text(after));
  return target;
}

describe('approvals', () => {
  it('shows the tool and its input, and Allow lets the tool run', async () => {
    const page = await signedIn('approver');
    const target = queueWrite('approved.txt', 'written after approval\n', 'Saved it.');
    await send(page, 'Write the file');
    const approval = page.getByTestId('approval');
    await approval.waitFor();
    expect(await approval.locator('header strong').textContent()).toBe('Write');
    expect(await approval.locator('pre').textContent()).toContain(`"file_path": "${target}"`);
    expect(existsSync(target)).toBe(false);
    await page.screenshot({ path: join(screenshotsDir, 'approval-desktop.png') });
    await approval.getByRole('button', { name: 'Allow' }).click();
    await lastAnswer(page).getByTestId('turn-meta').waitFor();
    expect(await approval.locator('.approval-outcome').textContent()).toBe('Allowed');
    expect(await readFile(target, 'utf8')).toBe('written after approval\n');
    expect(await lastAnswer(page).locator('.markdown').last().textContent()).toBe('Saved it.');
    await page.close();
  });

  it('Deny keeps the tool from running and tells the model why', async () => {
    const page = await signedIn('denier');
    const target = queueWrite('denied.txt', 'never written\n', 'Understood, I left it.');
    await send(page, 'Write another file');
    const approval = page.getByTestId('approval');
    await approval.waitFor();
    await approval.getByLabel('Reason for denying').fill('Not in this folder, please.');
    await approval.getByRole('button', { name: 'Deny' }).click();
    await lastAnswer(page).getByTestId('turn-meta').waitFor();
    expect(await approval.locator('.approval-outcome').textContent()).toBe('Denied');
    expect(existsSync(target)).toBe(false);
    const told = env.fake
      .conversationRequests()
      .flatMap((request) => request.toolResults)
      .find((result) => result.isError && result.content.includes('Not in this folder, please.'));
    expect(told).toBeDefined();
    await page.close();
  });

  it('a task waits for approval in the Tasks tab, and Allow lets it finish', async () => {
    const page = await signedIn('task-approver');
    const target = queueWrite('from-task.txt', 'written by a task\n', 'The task wrote it.');
    await page.getByLabel('as a task').check();
    await send(page, 'Write it in the background');
    await page.getByText(/Sent as task task_/).waitFor();
    await page.getByRole('link', { name: 'Tasks (1)' }).click();
    const waiting = page.locator('[data-testid="task"][data-status="waiting_for_approval"]');
    await waiting.waitFor({ timeout: 60_000 });
    const approval = waiting.getByTestId('approval');
    expect(await approval.locator('header strong').textContent()).toBe('Write');
    await approval.getByRole('button', { name: 'Allow' }).click();
    const done = page.locator('[data-testid="task"][data-status="completed"]');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.locator('.markdown').textContent()).toBe('The task wrote it.');
    expect(await readFile(target, 'utf8')).toBe('written by a task\n');
    await page.close();
  });
});
