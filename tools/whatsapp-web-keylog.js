// SPDX-License-Identifier: GPL-2.0-or-later
// WhatsApp Web: print key log lines (DESIGN 2.6, 2.8) for the FunXMPP dissector. Paste into the
// browser's developer console on web.whatsapp.com (once is enough; pasting again does nothing).
//
// Noise transport keys: make the page reconnect (DevTools > Network > "Offline" for a few
// seconds, then back to "No throttling"): each new connection prints
//   WA_NOISE_TRANSPORT - <client-to-server key> <server-to-client key>
// The `-` form has no ephemeral key: the dissector tries it on connections no other line
// matches and keeps it where the GCM tag of the first frame agrees.
// Why this works: WhatsApp Web imports each direction's transport key through WebCrypto as a
// raw 32-byte AES-GCM key with the single usage "encrypt" (its sending key) or "decrypt" (its
// receiving key). The hook copies the bytes and hands the call on unchanged.
//
// Signal message keys: every AES-256-CBC payload encrypted or decrypted through
// crypto.subtle after the paste prints
//   WA_SIGNAL_KEY <SHA-256 of the ciphertext> <AES-256 key> <IV>
// (the raw 32-byte AES-CBC key is copied when it is imported, the line is printed once the
// call succeeded). UNTESTED AGAINST THE REAL WHATSAPP WEB: all we know is that it uses
// WebCrypto; it may run Signal's AES-CBC in WebAssembly or plain JavaScript, or in a worker,
// where this hook sees nothing, and then no WA_SIGNAL_KEY line appears. The tests only check
// it against calls made the way libsignal's JavaScript port makes them, in Chromium.
//
// The lines are kept in `waKeyLog` (the same array as `waNoiseKeyLog`, the older name). To save
// them, type in the console `copy(waKeyLog.join('\n'))`, which puts them on the clipboard, and
// paste that into a text file: the key log (funxmpp.noise_keylog). Anyone with these lines and
// a capture of the session reads it: treat them as secrets.
(() => {
  const subtle = globalThis.crypto.subtle
  if (subtle.importKey.funxmppKeyLog) {
    console.log(subtle.importKey.funxmppKeyLog === 2 ? 'FunXMPP key log: already installed'
      : 'FunXMPP key log: an older version is installed; reload the page, then paste this again')
    return
  }
  const original = { importKey: subtle.importKey, encrypt: subtle.encrypt, decrypt: subtle.decrypt, digest: subtle.digest }
  const log = (globalThis.waNoiseKeyLog = globalThis.waNoiseKeyLog || [])
  globalThis.waKeyLog = log
  const print = (line) => {
    log.push(line)
    console.log(line)
  }
  const warn = (error) => console.warn('FunXMPP key log:', error)
  let sending = null
  let receiving = null
  const cbcKeys = new WeakMap()  // CryptoKey -> its raw bytes in hex, as imported (it may be non-extractable)
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  const bytesOf = (data) =>  // toString rather than instanceof: buffers may come from another frame
    ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : Object.prototype.toString.call(data) === '[object ArrayBuffer]' ? new Uint8Array(data)
        : null
  const nameOf = (algorithm) => String(typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name).toUpperCase()

  const importKey = function (format, keyData, algorithm, extractable, usages) {
    let cbcKey = null
    try {
      const name = nameOf(algorithm)
      const bytes = format === 'raw' ? bytesOf(keyData) : null
      if (bytes && bytes.length === 32 && name === 'AES-GCM' && Array.isArray(usages) && usages.length === 1) {
        if (usages[0] === 'encrypt') sending = hex(bytes)
        if (usages[0] === 'decrypt') receiving = hex(bytes)
        if (sending && receiving) {  // a connection's pair, in whichever order it came
          print(`WA_NOISE_TRANSPORT - ${sending} ${receiving}`)
          sending = receiving = null
        }
      }
      if (bytes && bytes.length === 32 && name === 'AES-CBC') cbcKey = hex(bytes)  // now: the caller may reuse its buffer
    } catch (error) {
      warn(error)
    }
    const result = original.importKey.apply(this, arguments)
    if (cbcKey) {
      try {  // our own branch of the promise: the caller's stays as it was, a rejection is the caller's
        result.then((key) => {
          try { cbcKeys.set(key, cbcKey) } catch (error) { warn(error) }
        }, () => {})
      } catch (error) {
        warn(error)
      }
    }
    return result
  }

  // encrypt or decrypt: AES-CBC with a key imported above and a 16-byte IV prints a line once
  // the call succeeded (a failed decrypt is a wrong key: no line), with the SHA-256 of the
  // ciphertext: what decrypt was given, or what encrypt returned.
  const cbc = (which) => function (algorithm, key, data) {
    let job = null
    try {
      if (nameOf(algorithm) === 'AES-CBC' && cbcKeys.has(key)) {
        const iv = bytesOf(algorithm.iv)
        const input = bytesOf(data)
        if (iv && iv.length === 16 && input) {
          job = { key: cbcKeys.get(key), iv: hex(iv), ciphertext: which === 'decrypt' ? input.slice() : null }
        }
      }
    } catch (error) {
      warn(error)
    }
    const result = original[which].apply(this, arguments)
    if (job) {
      try {
        result.then((output) => original.digest.call(subtle, 'SHA-256', job.ciphertext || output)
          .then((sha) => print(`WA_SIGNAL_KEY ${hex(new Uint8Array(sha))} ${job.key} ${job.iv}`)), () => {})
          .catch(warn)
      } catch (error) {
        warn(error)
      }
    }
    return result
  }

  const hooks = { importKey, encrypt: cbc('encrypt'), decrypt: cbc('decrypt') }
  for (const name of Object.keys(hooks)) {
    hooks[name].funxmppKeyLog = 2
    subtle[name] = hooks[name]
  }
  console.log('FunXMPP key log: installed; make WhatsApp Web reconnect to see its Noise keys; ' +
    'Signal keys show as messages are sent and received')
})()
