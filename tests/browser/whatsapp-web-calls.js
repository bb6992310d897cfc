// SPDX-License-Identifier: GPL-2.0-or-later
// Test-only: evaluated in the page by chromium-console.mjs once the snippet is pasted. Makes the
// WebCrypto calls WhatsApp Web makes, with the keys the test chose, all in hex:
// - Noise (as replay-webcrypto.mjs): handshake keys with both usages, an HMAC key, then the
//   transport keys as raw AES-GCM keys of one usage each, receiving first; one encryption with
//   the sending key (gcm) shows the key handed back is the imported one.
// - Signal, the way libsignal's JavaScript port does it: importKey('raw', 32 bytes, AES-CBC,
//   not extractable, one usage), then encrypt or decrypt with a 16-byte IV. The buffers are
//   wiped right after each call: the lines must hold what was passed at the time.
// - Calls that must print nothing and must not disturb the page: AES-128-CBC, a generated
//   AES-CBC key, an importKey that fails, a decrypt that fails (bad padding).
// Returns the results in hex, then waits for the snippet's lines: one per Noise connection and
// per successful AES-256-CBC call (it prints them once its SHA-256 is done).
async ({ c2s, s2c, gcm, encrypt, decrypt }) => {
  const subtle = crypto.subtle
  const bytes = (hex) => new Uint8Array(hex.match(/../g).map((b) => parseInt(b, 16)))
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('')
  const random = (n) => crypto.getRandomValues(new Uint8Array(n))
  const rejects = async (promise) => { try { await promise; return false } catch { return true } }
  let lines = 0

  for (let i = 0; i < 3; i++) await subtle.importKey('raw', random(32), 'AES-GCM', false, ['encrypt', 'decrypt'])
  await subtle.importKey('raw', random(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const bigger = random(44)
  bigger.set(bytes(s2c), 7)
  const receiving = await subtle.importKey('raw', bigger.subarray(7, 39), { name: 'AES-GCM' }, false, ['decrypt'])
  const sending = await subtle.importKey('raw', bytes(c2s).buffer, 'AES-GCM', false, ['encrypt'])
  lines++
  const gcmOut = hex(await subtle.encrypt({ name: 'AES-GCM', iv: bytes(gcm.iv) }, sending, bytes(gcm.plaintext)))

  const keyBytes = bytes(encrypt.key)
  const cbcKey = await subtle.importKey('raw', keyBytes, { name: 'AES-CBC' }, false, ['encrypt'])
  keyBytes.fill(0)
  const encrypted = hex(await subtle.encrypt({ name: 'AES-CBC', iv: bytes(encrypt.iv).buffer }, cbcKey, bytes(encrypt.plaintext)))
  lines++

  const decrypted = []
  for (const { ciphertext, key, iv } of decrypt) {
    const k = await subtle.importKey('raw', bytes(key).buffer, 'AES-CBC', false, ['decrypt'])
    const data = bytes(ciphertext)
    const ivBytes = bytes(iv)
    const call = subtle.decrypt({ name: 'AES-CBC', iv: ivBytes }, k, data)
    data.fill(0)
    ivBytes.fill(0)
    try {
      decrypted.push(hex(await call))
      lines++
    } catch {
      decrypted.push(null)
    }
  }

  const aes128 = await subtle.importKey('raw', random(16), 'AES-CBC', false, ['encrypt'])
  await subtle.encrypt({ name: 'AES-CBC', iv: random(16) }, aes128, random(20))
  const generated = await subtle.generateKey({ name: 'AES-CBC', length: 256 }, false, ['encrypt'])
  await subtle.encrypt({ name: 'AES-CBC', iv: random(16) }, generated, random(20))
  const importRejected = await rejects(subtle.importKey('raw', random(32), 'AES-CBC', false, ['sign']))

  for (let waited = 0; (globalThis.waKeyLog || []).length < lines && waited < 5000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await new Promise((resolve) => setTimeout(resolve, 200))  // any line too many shows up too
  return { secure: isSecureContext, receivingUsages: receiving.usages.join(), gcm: gcmOut, encrypted, decrypted, importRejected }
}
