// SPDX-License-Identifier: GPL-2.0-or-later
// WhatsApp Web: print the Noise transport keys of each new connection as key log lines
// (DESIGN 2.6) for the FunXMPP dissector. Paste into the browser's developer console on
// web.whatsapp.com, then make the page reconnect (DevTools > Network > "Offline" for a few
// seconds, then back to "No throttling"): each new connection prints
//   WA_NOISE_TRANSPORT - <client-to-server key> <server-to-client key>
// and keeps the lines in `waNoiseKeyLog`; `copy(waNoiseKeyLog.join('\n'))` puts them on the
// clipboard for a key log file. The `-` form has no ephemeral key: the dissector tries it on
// connections no other line matches and keeps it where the GCM tag of the first frame agrees.
//
// Why this works: WhatsApp Web imports each direction's transport key through WebCrypto as a
// raw 32-byte AES-GCM key with the single usage "encrypt" (its sending key) or "decrypt" (its
// receiving key). The hook copies the bytes and hands the call on unchanged.
// Anyone with these lines and a capture of the session reads it: treat them as secrets.
(() => {
  const subtle = globalThis.crypto.subtle
  if (subtle.importKey.funxmppKeyLog) {
    console.log('FunXMPP key log: already installed')
    return
  }
  const original = subtle.importKey
  const log = (globalThis.waNoiseKeyLog = globalThis.waNoiseKeyLog || [])
  let sending = null
  let receiving = null
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  const bytesOf = (data) =>
    data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : null

  const hooked = function (format, keyData, algorithm, extractable, usages) {
    try {
      const name = typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name
      const bytes = format === 'raw' ? bytesOf(keyData) : null
      if (bytes && bytes.length === 32 && String(name).toUpperCase() === 'AES-GCM' &&
          Array.isArray(usages) && usages.length === 1) {
        if (usages[0] === 'encrypt') sending = hex(bytes)
        if (usages[0] === 'decrypt') receiving = hex(bytes)
        if (sending && receiving) {  // a connection's pair, in whichever order it came
          const line = `WA_NOISE_TRANSPORT - ${sending} ${receiving}`
          log.push(line)
          console.log(line)
          sending = receiving = null
        }
      }
    } catch (error) {
      console.warn('FunXMPP key log:', error)
    }
    return original.apply(this, arguments)
  }
  hooked.funxmppKeyLog = true
  subtle.importKey = hooked
  console.log('FunXMPP key log: installed; make WhatsApp Web reconnect to see its keys')
})()
