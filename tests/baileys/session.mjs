// SPDX-License-Identifier: GPL-2.0-or-later
// Test-only: the `baileys` client (an independent implementation of the successor protocol)
// talks to a local stand-in for WhatsApp's server through a recording TCP relay; the relay's
// bytes become a pcap. Run with tools/baileys-keylog.mjs preloaded, so the key log the
// dissector reads is the one that hook wrote, not one this script knows.
//
//   WA_NOISE_KEYLOG=OUT/noise.keys node --import tools/baileys-keylog.mjs [--tls-keylog=OUT/tls.keys] \
//       session.mjs ws|wss OUT
//
// Two connections: a registration (fresh credentials: the server asks to pair a device) and a
// login (credentials of a paired device: the server says success). On the login the stand-in
// relays end-to-end encrypted conversations (DESIGN 2.8) between baileys and a Signal peer
// (signal-peer.mjs, in a worker thread the key log hook does not reach): the peer's pkmsg, then
// msg messages (text, extended text quoting baileys, an image with its thumbnail, a reaction),
// a group skmsg after its sender key, a channel's <plaintext>; baileys' text and image to the
// peer and to the group. Writes to OUT:
//   capture.pcap       the relayed TCP streams (server port 80 for ws, 443 for wss)
//   noise-tcp.pcap     the same connections' Noise bytes as the WebSocket messages carried
//                      them, straight over TCP (server port 5222), as clients of the successor
//                      protocol that speak it over TCP send them: the frames are the same
//   expected.tsv       per transport frame, in stream order: connection, direction (c2s/s2c)
//                      and the node's canonical XML (DESIGN 2.2/2.7), from baileys' own decoder
//   handshake.tsv      per connection: client ephemeral, server static, client static (hex) and
//                      ClientPayload fields as baileys encoded them
//   e2e.tsv            per end-to-end payload: direction, envelope type and the Message's JSON
//                      (proto.Message.toJSON(), keys sorted) as the receiving end decoded it:
//                      baileys (s2c) or the peer (c2s)
//   media/             over wss (DESIGN 2.9), the files of the media messages: the picture and
//                      the document baileys uploads with its own code (uploaded-*), and the
//                      picture and the voice note the peer sends, as baileys downloads and
//                      decrypts them (downloaded-*); the stand-in hosts the files (HTTPS, the
//                      host its media_conn answer names), through the same recording relay
// The stand-in's certificate chain is signed by a root made here; the test patches baileys'
// WA_CERT_DETAILS so that the client accepts it (the only change to baileys; the real root
// key is WhatsApp's).
import { createCipheriv, createHmac, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { Agent, createServer as createHttpsServer } from 'node:https'
import { connect, createServer as createTcpServer } from 'node:net'
import { Worker } from 'node:worker_threads'
import { deflateSync } from 'node:zlib'
import makeWASocket, {
  aesDecryptGCM, aesEncryptGCM, Curve, decodeBinaryNode, downloadMediaMessage, encodeBinaryNode, generateSignalPubKey,
  getMediaKeys, hkdf, initAuthCreds, NOISE_MODE, proto, sha256, unpadRandomMax16, WA_CERT_DETAILS
} from 'baileys'
import { makeLibSignalRepository } from 'baileys/lib/Signal/libsignal.js'
import pino from 'pino'
import { WebSocketServer } from 'ws'
import { sortedJson } from './sorted-json.mjs'

const [transport, out] = process.argv.slice(2)
if (!['ws', 'wss'].includes(transport) || !out) {
  console.error('usage: session.mjs ws|wss OUT_DIR')
  process.exit(2)
}
const here = new URL('.', import.meta.url)
const tls = transport === 'wss'
const serverCertificate = tls ? readFileSync(new URL('test-server.crt', here)) : null
const silent = pino({ level: 'silent' })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const hex = (bytes) => Buffer.from(bytes).toString('hex')

// --- canonical XML (DESIGN 2.2, 2.7) of a node as baileys decodes it --------------------------
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
function textOrHex (value, attribute) {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)
  let text
  try {
    text = strictUtf8.decode(bytes)
  } catch {
    return hex(bytes)
  }
  for (const ch of text) {
    const c = ch.codePointAt(0)
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c <= 0x9f)) {
      return hex(bytes)
    }
  }
  text = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
  return attribute ? text.replaceAll('"', '&quot;') : text
}
// baileys' decoder gives a JID pair with no user as "@server"; DESIGN 2.2 writes "server".
// (Its encoder writes no empty-string users, so "@server" always is that case.)
const jidOrText = (value) => (typeof value === 'string' && /^@[^@]+$/.test(value) ? value.slice(1) : value)
function canonicalXml (node) {
  const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${textOrHex(jidOrText(v), true)}"`).join('')
  if (node.content === undefined || node.content === null) {
    return `<${node.tag}${attrs}/>`
  }
  const inner = Array.isArray(node.content) ? node.content.map(canonicalXml).join('') : textOrHex(node.content, false)
  return `<${node.tag}${attrs}>${inner}</${node.tag}>`
}

// --- the end-to-end conversations (DESIGN 2.8) ---------------------------------------------
const CLIENT_JID = '34600000001@s.whatsapp.net'
const PEER_JID = '34600000002@s.whatsapp.net'
const GROUP_JID = '120363000000000001@g.us'
const CHANNEL_JID = '120363000000000002@newsletter'
const thumbnail = readFileSync(new URL('thumbnail.jpg', here))

// Media (DESIGN 2.9), over wss only: the stand-in's HTTPS server hosts what baileys uploads and
// what the peer sends (by direct path), at the host its media_conn answer names (the relay).
const hosted = new Map()
let mediaHost = null
const downloads = []  // baileys' downloads of the peer's files, written to OUT/media
const pdf = Buffer.from('%PDF-1.4\n% minutes of the FunXMPP test meeting\n%%EOF\n')
const voice = Buffer.concat([Buffer.from('OggS'), randomBytes(2996)])
function hostPath () { return `/v/t62.7118-24/${randomBytes(12).toString('hex')}.enc?ccb=11-4&oh=test` }
// A file sealed as a client seals it (baileys' key schedule; AES-256-CBC; HMAC's first 10 bytes),
// hosted, and the fields its message gives.
async function sealAndHost (file, type) {
  const mediaKey = randomBytes(32)
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, type)
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv)
  const ciphertext = Buffer.concat([cipher.update(file), cipher.final()])
  const body = Buffer.concat([ciphertext, createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, 10)])
  const directPath = hostPath()
  hosted.set(directPath, body)
  return { url: `https://${mediaHost}${directPath}`, directPath, mediaKey, fileSha256: sha256(file), fileEncSha256: sha256(body), fileLength: file.length, mediaKeyTimestamp: now }
}
function serveMedia (request, response) {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    if (request.method === 'POST' && request.url.startsWith('/mms/')) {  // an upload: its body is the encrypted file
      const directPath = hostPath()
      hosted.set(directPath, Buffer.concat(chunks))
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ url: `https://${mediaHost}${directPath}`, direct_path: directPath }))
    } else if (request.method === 'GET' && hosted.has(request.url)) {
      const body = hosted.get(request.url)
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length })
      response.end(body)
    } else {
      response.writeHead(404)
      response.end()
    }
  })
}

const e2e = []       // [direction, envelope type, JSON] per payload, as its receiver decoded it
let clientOpened = 0 // payloads baileys has decrypted (or read, for a channel's plaintext)

// The peer answers one request at a time (signal-peer.mjs); no --import: the hook stays out.
const peerWorker = new Worker(new URL('signal-peer.mjs', import.meta.url), { execArgv: [] })
const peerCalls = new Map()
let peerCallCount = 0
peerWorker.on('message', ({ id, result, error }) => {
  const call = peerCalls.get(id)
  peerCalls.delete(id)
  if (error) call.reject(new Error(`signal peer: ${error}`))
  else call.resolve(result)
})
const peer = (call, ...args) => new Promise((resolve, reject) => {
  const id = peerCallCount++
  peerCalls.set(id, { resolve, reject })
  peerWorker.postMessage({ id, call, args })
})

// baileys' own Signal repository, with every payload it decrypts written down as it decodes it.
function recordingSignalRepository (auth, logger, pnToLid) {
  const repository = makeLibSignalRepository(auth, logger, pnToLid)
  const opened = (type) => (padded) => {
    e2e.push(['s2c', type, sortedJson(proto.Message.decode(unpadRandomMax16(padded)).toJSON())])
    clientOpened++
    return padded
  }
  const { decryptMessage, decryptGroupMessage } = repository
  repository.decryptMessage = (args) => decryptMessage(args).then(opened(args.type))
  repository.decryptGroupMessage = (args) => decryptGroupMessage(args).then(opened('skmsg'))
  return repository
}

// The client's Signal keys, kept in memory.
function memoryKeys () {
  const data = new Map()
  return {
    get: async (type, ids) => Object.fromEntries(ids.flatMap((id) => (data.has(`${type}/${id}`) ? [[id, data.get(`${type}/${id}`)]] : []))),
    set: async (changes) => {
      for (const [type, entries] of Object.entries(changes)) {
        for (const [id, value] of Object.entries(entries)) {
          if (value == null) data.delete(`${type}/${id}`)
          else data.set(`${type}/${id}`, value)
        }
      }
    }
  }
}

// What the server would hand the peer for a first message: the client's prekey bundle.
async function prekeyBundle (creds, keys) {
  const preKey = Curve.generateKeyPair()
  const keyId = 9001  // beyond the ids baileys gives the prekeys it makes (and uploads) on login
  await keys.set({ 'pre-key': { [keyId]: preKey } })
  return {
    identityKey: generateSignalPubKey(creds.signedIdentityKey.public),
    registrationId: creds.registrationId,
    signedPreKey: {
      keyId: creds.signedPreKey.keyId,
      publicKey: generateSignalPubKey(creds.signedPreKey.keyPair.public),
      signature: creds.signedPreKey.signature
    },
    preKey: { keyId, publicKey: generateSignalPubKey(preKey.public) }
  }
}

// What the client knows of the peer and the group, so that sending asks the server nothing.
const userDevices = { 34600000002: [{ user: '34600000002', device: 0, server: 's.whatsapp.net' }], 34600000001: [] }
const userDevicesCache = { get: (user) => userDevices[user], set: () => {}, del: () => {}, flushAll: () => {} }
const cachedGroupMetadata = async (jid) => (jid === GROUP_JID
  ? { id: GROUP_JID, subject: 'FunXMPP test group', addressingMode: 'pn', participants: [{ id: PEER_JID }, { id: CLIENT_JID }] }
  : undefined)

const image = (caption) => ({
  url: 'https://mmg.whatsapp.net/v/t62.7118-24/19224858_1146012_3317423309954431_n.enc?ccb=11-4',
  mimetype: 'image/jpeg',
  caption,
  fileSha256: randomBytes(32),
  fileLength: 48213,
  height: 640,
  width: 960,
  mediaKey: randomBytes(32),
  fileEncSha256: randomBytes(32),
  directPath: '/v/t62.7118-24/19224858_1146012_3317423309954431_n.enc?ccb=11-4',
  mediaKeyTimestamp: now,
  jpegThumbnail: thumbnail
})

// The peer reads what the client sent it: its pairwise payloads (the group's sender key among
// them) before the group's skmsg.
let peerReading = Promise.resolve()
function peerReads (node) {
  const children = Array.isArray(node.content) ? node.content : []
  const pairwise = children.filter((child) => child.tag === 'participants').flatMap((list) => list.content ?? [])
    .filter((to) => to.attrs.jid === PEER_JID).flatMap((to) => to.content ?? []).filter((child) => child.tag === 'enc')
  const group = node.attrs.to === GROUP_JID ? children.filter((child) => child.tag === 'enc' && child.attrs.type === 'skmsg') : []
  peerReading = peerReading.then(async () => {
    for (const enc of [...pairwise, ...group]) {
      e2e.push(['c2s', enc.attrs.type, sortedJson(await peer('decrypt', enc.attrs.type, enc.content, GROUP_JID))])
    }
  })
}

// The login's conversations: what the peer, the group and a channel send the client, what the
// client sends them, each payload decrypted by its receiver.
async function converse (send, received, client, bundle) {
  const untilClientOpened = async (count) => {
    for (let waited = 0; clientOpened < count; waited += 20) {
      if (waited > 10000) throw new Error(`baileys opened ${clientOpened} of ${count} payloads`)
      await sleep(20)
    }
  }
  let stanzas = 0
  const deliver = async (attrs, content) => {
    await send({ tag: 'message', attrs: { id: `3EB0FEED${String(++stanzas).padStart(4, '0')}`, type: 'text', t: String(now), ...attrs }, content })
  }
  const enc = ({ type, ciphertext }) => ({ tag: 'enc', attrs: { v: '2', type }, content: Buffer.from(ciphertext) })
  const fromPeer = async (message) => deliver({ from: PEER_JID, notify: 'Signal Peer' }, [enc(await peer('encrypt', message))])
  const sent = async (id) => {
    await received((node) => node.tag === 'message' && node.attrs.id === id)
    await peerReading
    return id
  }
  const clientSends = async (jid, content) => sent((await client.sendMessage(jid, content)).key.id)
  const clientRelays = async (jid, message) => sent(await client.relayMessage(jid, message, {}))

  await peer('startSession', bundle)
  await fromPeer({ conversation: 'Hello from the peer 👋' })  // a pkmsg: the peer has no answer yet
  await untilClientOpened(1)
  const hello = await clientSends(PEER_JID, { text: 'Hello from Baileys' })
  await fromPeer({
    extendedTextMessage: {
      text: 'You said "Hello" & <I> agree',
      contextInfo: { stanzaId: hello, participant: CLIENT_JID, quotedMessage: { conversation: 'Hello from Baileys' } }
    }
  })
  // Two stanzas sent in one go: they reach the client in one TCP segment (two TLS records over
  // wss), where a packet's Info column must name both, each once.
  const picture = await peer('encrypt', { imageMessage: image('A picture from the peer') })
  const reaction = await peer('encrypt', { reactionMessage: { key: { remoteJid: CLIENT_JID, fromMe: false, id: hello }, text: '👍', senderTimestampMs: now * 1000 } })
  await Promise.all([picture, reaction].map((payload) => deliver({ from: PEER_JID, notify: 'Signal Peer' }, [enc(payload)])))
  const { distribution, skmsg } = await peer('encryptGroup', GROUP_JID, { conversation: 'Hello, group' })
  await deliver({ from: GROUP_JID, participant: PEER_JID, notify: 'Signal Peer' }, [enc(distribution), enc({ type: 'skmsg', ciphertext: skmsg })])
  await deliver({ from: CHANNEL_JID, server_id: '101' },
    [{ tag: 'plaintext', attrs: {}, content: proto.Message.encode({ extendedTextMessage: { text: 'Channel news 🛰' } }).finish() }])
  await untilClientOpened(7)
  await clientSends(GROUP_JID, { text: 'Hello, group, from Baileys' })
  await clientRelays(PEER_JID, { imageMessage: image('A picture from Baileys') })
  await clientRelays(GROUP_JID, { imageMessage: image('A picture for the group') })
  if (!tls) return
  // Media: baileys uploads a picture and a document with its own code, then downloads the
  // picture and the voice note the peer sends.
  mkdirSync(`${out}/media`, { recursive: true })
  writeFileSync(`${out}/media/uploaded-picture.jpg`, thumbnail)
  writeFileSync(`${out}/media/uploaded-minutes.pdf`, pdf)
  await clientSends(PEER_JID, { image: thumbnail, caption: 'A picture Baileys uploads', jpegThumbnail: thumbnail })
  await clientSends(PEER_JID, { document: pdf, mimetype: 'application/pdf', fileName: 'minutes.pdf' })
  await fromPeer({ imageMessage: { ...await sealAndHost(thumbnail, 'image'), mimetype: 'image/jpeg', caption: 'A picture to download', height: 64, width: 96 } })
  await fromPeer({ audioMessage: { ...await sealAndHost(voice, 'audio'), mimetype: 'audio/ogg; codecs=opus', seconds: 2, ptt: true } })
  await untilClientOpened(9)
  for (let waited = 0; downloads.length < 2; waited += 20) {
    if (waited > 10000) throw new Error(`baileys started ${downloads.length} of 2 downloads`)
    await sleep(20)
  }
  await Promise.all(downloads)
}

// --- the stand-in server's side of Noise XX (SUCCESSOR 2.3) ---------------------------------
const root = Curve.generateKeyPair()
const intermediate = Curve.generateKeyPair()
const serverStatic = Curve.generateKeyPair()
WA_CERT_DETAILS.PUBLIC_KEY = root.public
const now = Math.floor(Date.now() / 1000)
function certificate (serial, issuerSerial, key, signer) {
  const details = proto.CertChain.NoiseCertificate.Details.encode({
    serial, issuerSerial, key, notBefore: now - 3600, notAfter: now + 86400
  }).finish()
  return { details, signature: Curve.sign(signer.private, details) }
}
const certChain = proto.CertChain.encode({
  intermediate: certificate(1, WA_CERT_DETAILS.SERIAL, intermediate.public, root),
  leaf: certificate(2, 1, serverStatic.public, intermediate)
}).finish()

class ServerNoise {
  constructor (prologue, clientEphemeral) {
    const mode = Buffer.from(NOISE_MODE)
    this.hash = mode.length === 32 ? mode : sha256(mode)
    this.chainKey = this.hash
    this.mixHash(prologue)
    this.mixHash(clientEphemeral)
  }

  mixHash (data) { this.hash = sha256(Buffer.concat([this.hash, data])) }
  mixKey (secret) {
    const okm = hkdf(Buffer.from(secret), 64, { salt: this.chainKey, info: '' })
    this.chainKey = okm.subarray(0, 32)
    this.key = okm.subarray(32)
    this.counter = 0
  }

  static iv (counter) {
    const iv = Buffer.alloc(12)
    iv.writeUInt32BE(counter, 8)
    return iv
  }

  encrypt (plaintext) {
    const sealed = aesEncryptGCM(plaintext, this.key, ServerNoise.iv(this.counter++), this.hash)
    this.mixHash(sealed)
    return sealed
  }

  decrypt (sealed) {
    const plaintext = aesDecryptGCM(sealed, this.key, ServerNoise.iv(this.counter++), this.hash)
    this.mixHash(sealed)
    return plaintext
  }

  split () {  // client-to-server key first
    const okm = hkdf(Buffer.alloc(0), 64, { salt: this.chainKey, info: '' })
    this.receive = { key: okm.subarray(0, 32), counter: 0 }
    this.send = { key: okm.subarray(32), counter: 0 }
  }
}

const frame = (payload) => Buffer.concat([Buffer.from([payload.length >> 16, (payload.length >> 8) & 0xff, payload.length & 0xff]), payload])

const expected = []   // [connection, direction, xml]
const decoding = []   // the server's own frames being decoded for expected
const handshakes = [] // [connection, client ephemeral, server static, client static, payload fields]

// One connection: handshake, then `script(send, received)` plays the server's part.
// Each connection's WebSocket message payloads in order, for noise-tcp.pcap.
const noiseStreams = []
function serveConnection (ws, connection, script) {
  const noiseStream = { events: [], start: process.hrtime.bigint() }
  noiseStreams.push(noiseStream)
  const note = (fromClient, bytes) => noiseStream.events.push({ time: process.hrtime.bigint(), fromClient, bytes: Buffer.from(bytes) })
  const send = (bytes) => { note(false, bytes); ws.send(bytes) }
  let pending = Buffer.alloc(0)
  let prologue = null
  let noise = null
  const received = []
  let wake = () => {}
  const sendNode = (node, compressed = false) => {
    const binary = encodeBinaryNode(node)  // starts with the flags byte 0
    const plaintext = compressed ? Buffer.concat([Buffer.from([2]), deflateSync(binary.subarray(1))]) : binary
    const { key } = noise.send
    send(frame(aesEncryptGCM(plaintext, key, ServerNoise.iv(noise.send.counter++), Buffer.alloc(0))))
    const row = [connection, 's2c', null]  // its place in stream order, filled in when decoded
    expected.push(row)
    decoding.push(decodeBinaryNode(plaintext).then((decoded) => { row[2] = canonicalXml(decoded) }))
  }
  const waitFor = async (wanted) => {
    for (;;) {
      const node = received.find(wanted)
      if (node) return node
      await new Promise((resolve) => { wake = resolve })
    }
  }
  // The queries baileys makes after a login are answered, so that it goes on to 'open'.
  const answer = (node) => {
    if (node.tag !== 'iq' || !['get', 'set'].includes(node.attrs.type)) return
    const count = node.attrs.xmlns === 'encrypt' && node.content?.[0]?.tag === 'count'
    const mediaConn = node.attrs.xmlns === 'w:m' && node.content?.[0]?.tag === 'media_conn' && !node.content[0].content
    sendNode({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'result', id: node.attrs.id },
      content: count
        ? [{ tag: 'count', attrs: { value: '50' } }]
        : mediaConn
          ? [{ tag: 'media_conn', attrs: { auth: 'funxmpp-test-auth', ttl: '3600' }, content: [{ tag: 'host', attrs: { hostname: mediaHost } }] }]
          : undefined
    })
  }
  const onFrame = async (payload) => {
    if (!noise) {
      const hello = proto.HandshakeMessage.decode(payload).clientHello
      noise = new ServerNoise(prologue, hello.ephemeral)
      const ephemeral = Curve.generateKeyPair()
      noise.mixHash(ephemeral.public)
      noise.mixKey(Curve.sharedKey(ephemeral.private, hello.ephemeral))
      const staticSealed = noise.encrypt(serverStatic.public)
      noise.mixKey(Curve.sharedKey(serverStatic.private, hello.ephemeral))
      const payloadSealed = noise.encrypt(certChain)
      noise.ephemeral = ephemeral
      noise.clientEphemeral = hello.ephemeral
      send(frame(proto.HandshakeMessage.encode({
        serverHello: { ephemeral: ephemeral.public, static: staticSealed, payload: payloadSealed }
      }).finish()))
    } else if (!noise.receive) {
      const finish = proto.HandshakeMessage.decode(payload).clientFinish
      const clientStatic = noise.decrypt(finish.static)
      noise.mixKey(Curve.sharedKey(noise.ephemeral.private, clientStatic))
      const client = proto.ClientPayload.decode(noise.decrypt(finish.payload))
      noise.split()
      handshakes.push([connection, hex(noise.clientEphemeral), hex(serverStatic.public), hex(clientStatic),
        `push_name=${client.pushName ?? ''} passive=${client.passive ? 1 : 0} username=${client.username ?? ''}` +
        ` device=${client.device ?? ''} platform=${client.userAgent.platform} connect_type=${client.connectType}` +
        ` connect_reason=${client.connectReason}`])
      script(sendNode, waitFor).catch((error) => { console.error(error); process.exitCode = 1 }).finally(() => ws.close())
    } else {
      const { key } = noise.receive
      const plaintext = aesDecryptGCM(payload, key, ServerNoise.iv(noise.receive.counter++), Buffer.alloc(0))
      const node = await decodeBinaryNode(plaintext)
      expected.push([connection, 'c2s', canonicalXml(node)])
      received.push(node)
      answer(node)
      if (node.tag === 'message') peerReads(node)
      wake()
    }
  }
  let queue = Promise.resolve()
  ws.on('message', (data) => {
    note(true, data)
    pending = Buffer.concat([pending, data])
    if (!prologue) {
      if (pending.length < 4) return
      prologue = pending.subarray(0, 4)
      pending = pending.subarray(4)
    }
    while (pending.length >= 3) {
      const length = (pending[0] << 16) | (pending[1] << 8) | pending[2]
      if (pending.length < 3 + length) break
      const payload = pending.subarray(3, 3 + length)
      pending = pending.subarray(3 + length)
      queue = queue.then(() => onFrame(payload))
    }
  })
}

// What the stand-in says on each connection, in order.
const scripts = [
  // 1: registration. The pair-device iq makes baileys answer and show a QR code.
  async (send, received) => {
    await send({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'set', id: '1001', xmlns: 'md' },
      content: [{ tag: 'pair-device', attrs: {}, content: [{ tag: 'ref', attrs: {}, content: Buffer.from('2@funxmpp-test-ref,one') }] }]
    })
    await received((node) => node.tag === 'iq' && node.attrs.id === '1001')
    await send({
      tag: 'ib',
      attrs: { from: 's.whatsapp.net' },
      content: [{ tag: 'offline_preview', attrs: { count: '0', message: '0', notification: '0', receipt: '0' } }]
    }, true)
    await sleep(300)
    await send({ tag: 'xmlstreamend', attrs: {} })
    await sleep(100)
  },
  // 2: login of a paired device: success; baileys' queries are answered, it opens and the
  // test makes it send stanzas of every kind (see runClient); then the stream ends.
  async (send, received) => {
    await send({
      tag: 'success',
      attrs: { t: String(now), props: '1', abprops: '1', location: 'fra', lid: '111222333444555@lid', display_name: 'Test <&> "quote"' }
    })
    await received((node) => node.tag === 'presence' && node.attrs.name === 'Funxmpp Test' && node.attrs.type === 'available')
    await send({
      tag: 'notification',
      attrs: { from: '34600000002@s.whatsapp.net', type: 'encrypt', id: 'n1', t: String(now) },
      content: [{ tag: 'count', attrs: { value: '3' } }, { tag: 'blob', attrs: {}, content: Buffer.from([0, 1, 2, 0xfe, 0xff]) }]
    }, true)
    await received((node) => node.tag === 'ack' && node.attrs.id === 'n1')
    await converse(send, received, currentClient, loginBundle)
    await send({ tag: 'xmlstreamend', attrs: {} })
    await sleep(100)
  }
]

// --- the relay: every byte between client and server, in order, per TCP connection ---------
const streams = []  // { events: [{ time, fromClient, bytes }], closed }
async function startRelay (targetPort) {
  const relay = createTcpServer((client) => {
    const stream = { events: [], start: process.hrtime.bigint() }
    streams.push(stream)
    const server = connect(targetPort, '127.0.0.1')
    const record = (fromClient) => (bytes) => stream.events.push({ time: process.hrtime.bigint(), fromClient, bytes: Buffer.from(bytes) })
    client.on('data', record(true))
    server.on('data', record(false))
    client.pipe(server)
    server.pipe(client)
    client.on('error', () => server.destroy())
    server.on('error', () => client.destroy())
  })
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve))
  return relay
}

// --- pcap: Ethernet/IPv4/TCP with handshake, MSS-sized segments, ACKs and FIN; the connections'
// packets merged in time order ----------------------------------------------------------------
function checksum (buffer) {
  let sum = 0
  for (let i = 0; i + 1 < buffer.length; i += 2) sum += buffer.readUInt16BE(i)
  if (buffer.length % 2) sum += buffer[buffer.length - 1] << 8
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}
function writePcap (file, serverPort, streams) {
  const records = []
  const clientIp = Buffer.from([192, 0, 2, 10])
  const serverIp = Buffer.from([203, 0, 113, 5])
  streams.forEach((stream, index) => {
    const ends = {
      client: { ip: clientIp, port: 50100 + index, seq: 1000 + index * 100000, mac: Buffer.from('020000000001', 'hex') },
      server: { ip: serverIp, port: serverPort, seq: 7000000 + index * 100000, mac: Buffer.from('020000000002', 'hex') }
    }
    let clock = Number(stream.start / 1000n) + 1_700_000_000_000_000
    const segment = (fromClient, flags, payload = Buffer.alloc(0)) => {
      const [src, dst] = fromClient ? [ends.client, ends.server] : [ends.server, ends.client]
      const tcp = Buffer.alloc(20)
      tcp.writeUInt16BE(src.port, 0)
      tcp.writeUInt16BE(dst.port, 2)
      tcp.writeUInt32BE(src.seq >>> 0, 4)
      tcp.writeUInt32BE(flags & 0x10 ? dst.seq >>> 0 : 0, 8)
      tcp[12] = 5 << 4
      tcp[13] = flags
      tcp.writeUInt16BE(65535, 14)
      const pseudo = Buffer.concat([src.ip, dst.ip, Buffer.from([0, 6, (20 + payload.length) >> 8, (20 + payload.length) & 0xff]), tcp, payload])
      tcp.writeUInt16BE(checksum(pseudo), 16)
      const ip = Buffer.alloc(20)
      ip[0] = 0x45
      ip.writeUInt16BE(40 + payload.length, 2)
      ip[8] = 64
      ip[9] = 6
      src.ip.copy(ip, 12)
      dst.ip.copy(ip, 16)
      ip.writeUInt16BE(checksum(ip), 10)
      const packet = Buffer.concat([dst.mac, src.mac, Buffer.from([8, 0]), ip, tcp, payload])
      const header = Buffer.alloc(16)
      header.writeUInt32LE(Math.floor(clock / 1e6), 0)
      header.writeUInt32LE(clock % 1e6, 4)
      header.writeUInt32LE(packet.length, 8)
      header.writeUInt32LE(packet.length, 12)
      records.push({ clock, bytes: [header, packet] })
      src.seq += payload.length + (flags & 0x03 ? 1 : 0)  // SYN and FIN count one
      clock += 10
    }
    segment(true, 0x02)
    segment(false, 0x12)
    segment(true, 0x10)
    for (const event of stream.events) {
      clock = Math.max(clock, Number(event.time / 1000n) + 1_700_000_000_000_000)
      for (let at = 0; at < event.bytes.length; at += 1448) {
        segment(event.fromClient, 0x18, event.bytes.subarray(at, at + 1448))
      }
      segment(!event.fromClient, 0x10)
    }
    segment(false, 0x11)
    segment(true, 0x11)
    segment(false, 0x10)
  })
  const global = Buffer.alloc(24)
  global.writeUInt32LE(0xa1b2c3d4, 0)
  global.writeUInt16LE(2, 4)
  global.writeUInt16LE(4, 6)
  global.writeUInt32LE(262144, 16)
  global.writeUInt32LE(1, 20)
  // In time order, as a capture has them: a media upload before the message that sends it.
  records.sort((a, b) => a.clock - b.clock)  // stable: a connection's own packets keep their order
  writeFileSync(file, Buffer.concat([global, ...records.flatMap((r) => r.bytes)]))
}

setTimeout(() => { console.error('session.mjs: not done after 60 s'); process.exit(1) }, 60000).unref()

// --- run ---------------------------------------------------------------------------------
const web = tls
  ? createHttpsServer({ key: readFileSync(new URL('test-server.key', here)), cert: serverCertificate })
  : createHttpServer()
web.on('request', serveMedia)
const wss = new WebSocketServer({ server: web, path: '/ws/chat' })
let connections = 0
wss.on('connection', (ws) => {
  const index = connections++
  serveConnection(ws, index + 1, scripts[index] ?? (async () => {}))
})
await new Promise((resolve) => web.listen(0, '127.0.0.1', resolve))
const relay = await startRelay(web.address().port)
const url = `${transport}://${tls ? 'localhost' : '127.0.0.1'}:${relay.address().port}/ws/chat`
mediaHost = `localhost:${relay.address().port}`

let currentClient = null
async function runClient (creds, keys = memoryKeys()) {
  const sock = makeWASocket({
    auth: { creds, keys },
    makeSignalRepository: recordingSignalRepository,
    userDevicesCache,
    cachedGroupMetadata,
    waWebSocketUrl: url,
    agent: tls ? new Agent({ ca: serverCertificate }) : undefined,
    fetchAgent: tls ? new Agent({ ca: serverCertificate }) : undefined,  // media uploads
    logger: silent,
    browser: ['Ubuntu', 'Chrome', '22.04.4'],
    markOnlineOnConnect: false,
    connectTimeoutMs: 10000,
    qrTimeout: 60000
  })
  currentClient = sock
  let sawQr = false
  sock.ev.on('messages.upsert', ({ messages }) => {
    for (const received of messages) {  // the peer's files on the stand-in's host: baileys downloads them
      const media = received.message?.imageMessage ?? received.message?.audioMessage
      if (!received.key.fromMe && media?.url?.startsWith(`https://${mediaHost}/`)) {
        const name = received.message.imageMessage ? 'downloaded-picture.jpg' : 'downloaded-voice-note.ogg'
        downloads.push(downloadMediaMessage(received, 'buffer', {}).then((file) => writeFileSync(`${out}/media/${name}`, file)))
      }
    }
    for (const { key, message } of messages) {
      if (key.remoteJid === CHANNEL_JID && message) {  // a channel's message needs no key: baileys reads it
        e2e.push(['s2c', 'plaintext', sortedJson(proto.Message.fromObject(message).toJSON())])
        clientOpened++
      }
    }
  })
  await new Promise((resolve) => {
    sock.ev.on('connection.update', (update) => {
      if (update.qr) sawQr = true
      if (update.connection === 'open') sendVariety(sock)
      if (update.connection === 'close') resolve()
    })
  })
  return sawQr
}

// Stanzas that take the encoder's every road: a device JID (AD_JID), nibble- and hex-packed
// values, a double-byte token, UTF-8 text with markup characters, binary content of 8-, 20-
// and (over 64 KiB, so the frame spans many TCP segments) 20-bit lengths.
async function sendVariety (sock) {
  await sleep(100)  // after baileys' own queries on opening: the message gets a packet of its own
  const pseudoRandom = (length, seed) => Buffer.from(Array.from({ length }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 0xff))
  // A well-formed Signal pkmsg envelope (DESIGN 2.8) around opaque bytes: the version byte 0x33,
  // then PreKeyWhisperMessage { 1 preKeyId, 2 baseKey, 3 identityKey, 4 message (a msg envelope:
  // 0x33, WhisperMessage { 1 ratchetKey, 2 counter, 3 previousCounter, 4 ciphertext }, an 8-byte
  // MAC), 5 registrationId, 6 signedPreKeyId }.
  const varint = (n) => { const out = []; while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7 } out.push(n); return Buffer.from(out) }
  const field = (number, value) => Buffer.isBuffer(value)
    ? Buffer.concat([varint(number << 3 | 2), varint(value.length), value])
    : Buffer.concat([varint(number << 3), varint(value)])
  const publicKey = (seed) => Buffer.concat([Buffer.from([5]), pseudoRandom(32, seed)])
  const v3 = Buffer.from([0x33])
  const msg = Buffer.concat([v3, field(1, publicKey(4)), field(2, 0), field(3, 0), field(4, pseudoRandom(160, 5)), pseudoRandom(8, 6)])
  const pkmsg = Buffer.concat([v3, field(1, 7), field(2, publicKey(7)), field(3, publicKey(8)), field(4, msg), field(5, 4321), field(6, 1)])
  await sock.sendNode({
    tag: 'message',
    attrs: { to: '34600000002:3@s.whatsapp.net', type: 'text', id: '3EB0A1B2C3D4E5F60789', t: '1700000000' },
    content: [
      { tag: 'enc', attrs: { v: '2', type: 'pkmsg' }, content: pkmsg },
      { tag: 'body', attrs: {}, content: 'héllo wörld ✓ <b>&</b>' },
      { tag: 'reporting', attrs: {}, content: [{ tag: 'reporting_token', attrs: { v: '2' }, content: pseudoRandom(16, 2) }] }
    ]
  })
  await sock.sendNode({
    tag: 'iq',
    attrs: { to: 's.whatsapp.net', type: 'set', xmlns: 'w:m', id: 'upload-1' },
    content: [{ tag: 'media_conn', attrs: {}, content: pseudoRandom(70000, 3) }]
  })
  await sock.sendNode({ tag: 'presence', attrs: { type: 'available', name: 'Funxmpp Test' } })
}
process.on('unhandledRejection', () => {})  // baileys' queries left unanswered when the stream ends

const registration = initAuthCreds()
const sawQr = await runClient(registration)
const login = initAuthCreds()
login.me = { id: '34600000001:7@s.whatsapp.net', name: 'Funxmpp Test' }
const loginKeys = memoryKeys()
const loginBundle = await prekeyBundle(login, loginKeys)
await runClient(login, loginKeys)
await sleep(200)
await Promise.all(decoding)
relay.close()
wss.close()
web.close()

if (!sawQr) {
  console.error('session.mjs: baileys did not take the pair-device request (no QR code)')
  process.exitCode = 1
}
if (handshakes.length !== 2) {
  console.error(`session.mjs: ${handshakes.length} handshakes completed, 2 expected`)
  process.exitCode = 1
}
writePcap(`${out}/capture.pcap`, tls ? 443 : 80, streams)
writePcap(`${out}/noise-tcp.pcap`, 5222, noiseStreams)
writeFileSync(`${out}/expected.tsv`, expected.map((row) => row.join('\t') + '\n').join(''))
writeFileSync(`${out}/handshake.tsv`, handshakes.map((row) => row.join('\t') + '\n').join(''))
writeFileSync(`${out}/e2e.tsv`, e2e.map((row) => row.join('\t') + '\n').join(''))
await peerWorker.terminate()
setTimeout(() => process.exit(), 100).unref()
