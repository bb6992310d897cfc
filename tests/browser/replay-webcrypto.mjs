// SPDX-License-Identifier: GPL-2.0-or-later
// Test-only: runs tools/whatsapp-web-keylog.js as a console would, then makes the WebCrypto
// calls WhatsApp Web makes for a connection (handshake keys with both usages, an HMAC key, then
// the transport keys as raw AES-GCM keys of one usage each, receiving first) with the two keys
// of a generated capture's key log line. Prints what the snippet printed; fails if a key the
// hook handed back does not encrypt as AES-256-GCM with those bytes.
//   node replay-webcrypto.mjs SNIPPET C2S_HEX S2C_HEX
import { createCipheriv, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { runInThisContext } from 'node:vm'

const [snippet, c2sHex, s2cHex] = process.argv.slice(2)
const printed = []
const consoleLog = console.log
console.log = (...args) => printed.push(args.join(' '))
runInThisContext(readFileSync(snippet, 'utf8'), { filename: snippet })
runInThisContext(readFileSync(snippet, 'utf8'), { filename: snippet })  // pasted twice: one hook
const subtle = globalThis.crypto.subtle

for (let i = 0; i < 3; i++) {
  await subtle.importKey('raw', randomBytes(32), 'AES-GCM', false, ['encrypt', 'decrypt'])
}
await subtle.importKey('raw', randomBytes(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
const inBigger = Buffer.concat([randomBytes(7), Buffer.from(s2cHex, 'hex'), randomBytes(5)])
const receiving = await subtle.importKey('raw', new Uint8Array(inBigger.buffer, inBigger.byteOffset + 7, 32),
  { name: 'AES-GCM' }, false, ['decrypt'])
const c2s = Buffer.from(c2sHex, 'hex')
const sending = await subtle.importKey('raw', c2s.buffer.slice(c2s.byteOffset, c2s.byteOffset + 32), 'AES-GCM', false, ['encrypt'])

// The keys handed back are the real ones: the page goes on working.
const iv = randomBytes(12)
const plaintext = Buffer.from('stanza')
const viaHook = Buffer.from(await subtle.encrypt({ name: 'AES-GCM', iv }, sending, plaintext))
const cipher = createCipheriv('aes-256-gcm', c2s, iv)
const direct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
if (!viaHook.equals(direct) || receiving.usages.join() !== 'decrypt') {
  console.error('replay-webcrypto: a key handed back by the hook is not the imported key')
  process.exit(1)
}
console.log = consoleLog
for (const line of printed) console.log(line)
