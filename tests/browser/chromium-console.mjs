// SPDX-License-Identifier: GPL-2.0-or-later
// Test-only: a DevTools console for headless Chromium. Starts the browser with the DevTools
// protocol on a pipe (fds 3 and 4: no WebSocket client needed, no port to collide with), opens
// blank.html beside this file (a secure context, where crypto.subtle exists), pastes the
// snippet twice as the console does (Runtime.evaluate with the console's command line API, so
// copy() works as for a user), then evaluates CALLS (an async function of INPUT_JSON making the
// page's WebCrypto calls) and at last the console commands that save the log. Writes into
// OUT_DIR: console.txt (console messages, one a line: log as is, the other kinds prefixed by
// [type]), exceptions.txt (anything the page did not catch), copy.NAME (what
// copy(NAME.join('\n')) put on the clipboard), result.json (what CALLS returned).
//   node chromium-console.mjs CHROMIUM PROFILE_DIR OUT_DIR SNIPPET CALLS INPUT_JSON
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [chromium, profile, out, snippetFile, callsFile, inputFile] = process.argv.slice(2)
const snippet = readFileSync(snippetFile, 'utf8')
const calls = readFileSync(callsFile, 'utf8')
const input = readFileSync(inputFile, 'utf8')
const page = new URL('blank.html', import.meta.url).href
const consoleLines = []
const exceptions = []
const copies = {}
let copying = null  // the log being copied: Runtime.inspectRequested comes before the answer
let stderr = ''
let closing = false
let onLoad = () => {}

const browser = spawn(chromium, [
  '--headless=new', '--no-sandbox',  // no sandbox: the tests run as root, where Chromium needs it off
  '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run',
  '--no-default-browser-check', '--disable-extensions', '--mute-audio',
  `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] })
browser.stderr.on('data', (data) => { stderr = (stderr + data).slice(-4000) })
const fail = (why) => {
  console.error(`chromium-console: ${why}\n--- chromium's last words:\n${stderr}`)
  browser.kill('SIGKILL')
  process.exit(1)
}
const timer = setTimeout(() => fail('no answer within 25 s'), 25000)
browser.on('error', (error) => fail(`cannot start ${chromium}: ${error.message}`))
browser.on('exit', (code, signal) => { if (!closing) fail(`Chromium ended early (status ${code}, signal ${signal})`) })

// The protocol: JSON messages, each ended by a NUL byte.
let nextId = 1
const waiting = new Map()
let pending = Buffer.alloc(0)
browser.stdio[4].on('data', (data) => {
  pending = Buffer.concat([pending, data])
  let end
  while ((end = pending.indexOf(0)) >= 0) {
    const message = JSON.parse(pending.subarray(0, end).toString('utf8'))
    pending = pending.subarray(end + 1)
    if (message.id && waiting.has(message.id)) {
      const { resolve, reject, method } = waiting.get(message.id)
      waiting.delete(message.id)
      if (message.error) reject(new Error(`${method}: ${message.error.message}`))
      else resolve(message.result)
    } else {
      event(message)
    }
  }
})
const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
  const id = nextId++
  waiting.set(id, { resolve, reject, method })
  browser.stdio[3].write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0')
})

const text = (remote) => (remote.type === 'string' ? remote.value
  : 'value' in remote ? JSON.stringify(remote.value) : remote.description || remote.type)
function event ({ method, params }) {
  if (method === 'Runtime.consoleAPICalled') {
    const line = params.args.map(text).join(' ')
    consoleLines.push(params.type === 'log' ? line : `[${params.type}] ${line}`)
  } else if (method === 'Runtime.exceptionThrown') {
    const details = params.exceptionDetails
    exceptions.push(`${details.text} ${details.exception ? text(details.exception) : ''}`)
  } else if (method === 'Page.loadEventFired') {
    onLoad()
  } else if (method === 'Runtime.inspectRequested' && params.hints && params.hints.copyToClipboard) {
    copies[copying] = params.object.value  // what copy() puts on the clipboard
  }
}

try {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' })
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true })
  await send('Page.enable', {}, sessionId)
  const loaded = new Promise((resolve) => { onLoad = resolve })
  await send('Page.navigate', { url: page }, sessionId)
  await loaded
  await send('Runtime.enable', {}, sessionId)
  const evaluate = async (expression, options) => {
    const result = await send('Runtime.evaluate', { expression, ...options }, sessionId)
    if (result.exceptionDetails) {
      const details = result.exceptionDetails
      throw new Error(`evaluation threw: ${details.text} ${details.exception ? text(details.exception) : ''}`)
    }
    return result.result
  }
  const asConsole = { includeCommandLineAPI: true, replMode: true, userGesture: true, objectGroup: 'console' }
  await evaluate(snippet, asConsole)
  await evaluate(snippet, asConsole)  // pasted twice: one hook
  const result = await evaluate(`(${calls})(${input})`, { awaitPromise: true, returnByValue: true })
  for (const name of ['waKeyLog', 'waNoiseKeyLog']) {  // as the snippet's header says; the older name
    copying = name
    await evaluate(`copy(${name}.join('\\n'))`, asConsole).catch((error) => exceptions.push(error.message))
  }
  await send('Runtime.evaluate', { expression: '0', awaitPromise: true }, sessionId)  // events before it are in
  writeFileSync(join(out, 'result.json'), JSON.stringify(result.value, null, 1) + '\n')
} catch (error) {
  fail(error.message)
}
writeFileSync(join(out, 'console.txt'), consoleLines.map((line) => line + '\n').join(''))
writeFileSync(join(out, 'exceptions.txt'), exceptions.map((line) => line + '\n').join(''))
for (const [name, copied] of Object.entries(copies)) writeFileSync(join(out, `copy.${name}`), copied + '\n')
closing = true
send('Browser.close').catch(() => {})
const killer = setTimeout(() => browser.kill('SIGKILL'), 5000)
browser.on('exit', () => { clearTimeout(killer); clearTimeout(timer) })
