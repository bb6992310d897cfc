// SPDX-License-Identifier: GPL-2.0-or-later
// Writes the key log (DESIGN 2.6, 2.8) of a Node program built on the `baileys` npm package
// (version 7, ES modules), so that the FunXMPP dissector decrypts its WhatsApp sessions and the
// end-to-end encrypted messages in them:
//
//   WA_NOISE_KEYLOG=keys.txt node --import ./tools/baileys-keylog.mjs bot.mjs
//   wireshark -o funxmpp.noise_keylog:keys.txt capture.pcapng
//
// For every connection one line is appended, before the client sends its ClientFinish:
//   WA_NOISE_CLIENT <client ephemeral public> <client ephemeral private> <client static private>
// With these the dissector runs the XX handshake itself (server static key, certificates,
// the client's payload) and derives the transport keys. For every Signal payload the client
// encrypts or decrypts (pairwise msg/pkmsg and group skmsg alike) one more line:
//   WA_SIGNAL_KEY <SHA-256 of the ciphertext> <AES-256 key> <IV>
// The lines are secrets: whoever has the file and the capture reads the session and its
// messages. The file is created readable by its owner only.
//
// How: a module resolution hook puts a wrapper in front of baileys' lib/Utils/noise-handler.js
// (ES module exports cannot be reassigned); the wrapper's makeNoiseHandler calls the real one
// and hooks the handshake step that receives the client's static key pair. Signal payloads all
// go through libsignal's src/crypto.js (CommonJS) encrypt/decrypt, AES-256-CBC: baileys' group
// cipher imports them from there, the pairwise session cipher requires them. Its exports
// object is wrapped in place when the module is first loaded, before any importer takes the
// functions. Nothing else of baileys changes. Without WA_NOISE_KEYLOG the hook does nothing.
import { createHash } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import Module, { register } from 'node:module'

const HOOKS_MARK = 'funxmpp-keylog-hooks'
const WRAPPER_SCHEME = 'funxmpp-keylog-wrapper:'
const NOISE_HANDLER = /\/baileys\/lib\/Utils\/noise-handler\.js$/

const self = new URL(import.meta.url)
const inHooksThread = self.searchParams.has(HOOKS_MARK)

// --- hooks (run in Node's loader thread) --------------------------------------------------
export async function resolve (specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  const fromWrapper = context.parentURL?.startsWith(WRAPPER_SCHEME)
  if (fromWrapper || !NOISE_HANDLER.test(new URL(resolved.url).pathname)) {
    return resolved
  }
  return { url: WRAPPER_SCHEME + encodeURIComponent(resolved.url), format: 'module', shortCircuit: true }
}

export async function load (url, context, nextLoad) {
  if (!url.startsWith(WRAPPER_SCHEME)) {
    return nextLoad(url, context)
  }
  const original = JSON.stringify(decodeURIComponent(url.slice(WRAPPER_SCHEME.length)))
  const preload = new URL(import.meta.url)
  preload.search = ''
  // The wrapper re-exports everything of the original; its own makeNoiseHandler wins.
  const source = `export * from ${original}
import { makeNoiseHandler as original } from ${original}
import { wrapNoiseHandler } from ${JSON.stringify(preload.href)}
export const makeNoiseHandler = wrapNoiseHandler(original)
`
  return { format: 'module', source, shortCircuit: true }
}

// --- the key log (runs in the program's thread) --------------------------------------------
const hex = (bytes) => Buffer.from(bytes).toString('hex')

// A 33-byte public key carries libsignal's type byte 0x05 in front; the log wants the 32.
const publicKey32 = (key) => (key.length === 33 && key[0] === 5 ? key.subarray(1) : key)

let warned = false
function appendLine (line) {
  const file = process.env.WA_NOISE_KEYLOG
  if (!file) {
    return
  }
  try {
    appendFileSync(file, line + '\n', { mode: 0o600 })
  } catch (error) {
    if (!warned) {
      warned = true
      process.emitWarning(`cannot append to WA_NOISE_KEYLOG ${file}: ${error.message}`, 'FunxmppKeyLog')
    }
  }
}

export function clientLine (ephemeral, staticPrivate) {
  const fields = [publicKey32(ephemeral.public), ephemeral.private, staticPrivate]
  if (fields.some((key) => !key || key.length !== 32)) {
    return null
  }
  return 'WA_NOISE_CLIENT ' + fields.map(hex).join(' ')
}

export function wrapNoiseHandler (makeNoiseHandler) {
  return (options) => {
    const handler = makeNoiseHandler(options)
    const processHandshake = handler.processHandshake
    handler.processHandshake = (message, noiseKey) => {
      // Logged before the handshake goes on, so a session the client then rejects is readable too.
      const line = clientLine(options.keyPair, noiseKey?.private)
      if (line) {
        appendLine(line)
      } else if (!warned) {
        warned = true
        process.emitWarning('baileys handed over keys that are not 32 bytes; nothing logged', 'FunxmppKeyLog')
      }
      return processHandshake(message, noiseKey)
    }
    return handler
  }
}

// A Signal payload's line: the ciphertext as the envelope carries it, the key and IV that open it.
export function signalLine (ciphertext, key, iv) {
  if (key?.length !== 32 || iv?.length !== 16 || !ciphertext?.length) {
    return null
  }
  return `WA_SIGNAL_KEY ${createHash('sha256').update(ciphertext).digest('hex')} ${hex(key)} ${hex(iv)}`
}

// Never throws: the host's encryption goes on whatever the log does.
function logSignal (ciphertext, key, iv) {
  if (!process.env.WA_NOISE_KEYLOG) {
    return
  }
  try {
    const line = signalLine(ciphertext, key, iv)
    if (line) {
      appendLine(line)
    }
  } catch (error) {
    if (!warned) {
      warned = true
      process.emitWarning(`no WA_SIGNAL_KEY line for a payload: ${error.message}`, 'FunxmppKeyLog')
    }
  }
}

// libsignal's crypto module, wherever npm put it (baileys' own copy or a hoisted one).
const LIBSIGNAL_CRYPTO = /[\\/]libsignal[\\/]src[\\/]crypto\.js$/
const WRAPPED = Symbol.for('funxmpp-keylog')  // one mark, however many copies of this hook load

export function wrapSignalCrypto (exports) {
  if (exports[WRAPPED] || typeof exports.encrypt !== 'function' || typeof exports.decrypt !== 'function') {
    return
  }
  const { encrypt, decrypt } = exports
  exports.encrypt = function (key, data, iv) {
    const ciphertext = encrypt.apply(this, arguments)
    logSignal(ciphertext, key, iv)
    return ciphertext
  }
  // Logged once it opened: a key libsignal tried and dropped is no key of that payload.
  exports.decrypt = function (key, data, iv) {
    const plaintext = decrypt.apply(this, arguments)
    logSignal(data, key, iv)
    return plaintext
  }
  exports[WRAPPED] = true
}

// Every CommonJS load goes through Module._load, an ES module's import of one too.
function hookCommonJsLoads () {
  const load = Module._load
  Module._load = function (request, parent, isMain) {
    const exports = load.apply(this, arguments)
    try {
      if (typeof request === 'string' && /crypto(\.js)?$/.test(request) && /[\\/]/.test(request) &&
          exports && !exports[WRAPPED] && LIBSIGNAL_CRYPTO.test(Module._resolveFilename(request, parent, isMain))) {
        wrapSignalCrypto(exports)
      }
    } catch {}  // a module we cannot place is not libsignal's: left as it is
    return exports
  }
}

if (!inHooksThread) {
  self.searchParams.set(HOOKS_MARK, '1')
  register(self.href)
  hookCommonJsLoads()
}
