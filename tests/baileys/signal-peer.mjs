// SPDX-License-Identifier: GPL-2.0-or-later
// Test-only: the other end of the baileys client's end-to-end conversations (DESIGN 2.8), run by
// session.mjs in a worker thread of its own, without the key log hook (so every WA_SIGNAL_KEY
// line in the key log is one the hook took from the baileys client, none from here). Built on
// the same pinned packages: libsignal for the pairwise sessions, baileys' sender key classes for
// the group (libsignal has none) and baileys' WAProto for the Message protobuf.
//
// Requests (postMessage { id, call, args }), answered { id, result } or { id, error }:
//   startSession(bundle)             a pairwise session to the client from its prekey bundle
//   encrypt(message)                 -> { type: 'pkmsg'|'msg', ciphertext }   to the client
//   encryptGroup(group, message)     -> { distribution: { type, ciphertext }, skmsg }
//                                       the sender key handed to the client pairwise, then the message
//   decrypt(type, ciphertext, group) -> the Message as proto.Message.toJSON(), from the client
import { parentPort } from 'node:worker_threads'
import { proto, writeRandomPadMax16 } from 'baileys'
import { GroupCipher, GroupSessionBuilder, SenderKeyDistributionMessage, SenderKeyName, SenderKeyRecord } from 'baileys/lib/Signal/Group/index.js'
import libsignal from 'libsignal'

const CLIENT = new libsignal.ProtocolAddress('34600000001', 7)
const PEER = new libsignal.ProtocolAddress('34600000002', 0)

const identity = libsignal.keyhelper.generateIdentityKeyPair()
const registrationId = libsignal.keyhelper.generateRegistrationId()
const sessions = new Map()
const senderKeys = new Map()
const store = {
  getOurIdentity: async () => identity,
  getOurRegistrationId: async () => registrationId,
  isTrustedIdentity: async () => true,
  loadSession: async (address) => sessions.get(address),
  storeSession: async (address, record) => { sessions.set(address, record) },
  loadPreKey: async () => undefined,
  removePreKey: async () => {},
  loadSignedPreKey: async () => undefined,
  loadSenderKey: async (name) => senderKeys.get(name.toString()) ?? new SenderKeyRecord(),
  storeSenderKey: async (name, record) => { senderKeys.set(name.toString(), record) }
}

const encode = (message) => writeRandomPadMax16(proto.Message.encode(proto.Message.fromObject(message)).finish())
// WhatsApp's padding after the PKCS#7 one: the last byte says how many bytes to drop.
const unpad = (bytes) => bytes.subarray(0, bytes.length - bytes[bytes.length - 1])

async function encrypt (message) {
  const { type, body } = await new libsignal.SessionCipher(store, CLIENT).encrypt(encode(message))
  return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') }
}

const calls = {
  startSession: (bundle) => new libsignal.SessionBuilder(store, CLIENT).initOutgoing(bundle),
  encrypt,
  async encryptGroup (group, message) {
    const name = new SenderKeyName(group, PEER)
    const distribution = await new GroupSessionBuilder(store).create(name)
    return {
      distribution: await encrypt({
        senderKeyDistributionMessage: { groupId: group, axolotlSenderKeyDistributionMessage: distribution.serialize() }
      }),
      skmsg: Buffer.from(await new GroupCipher(store, name).encrypt(encode(message)))
    }
  },
  async decrypt (type, ciphertext, group) {
    const cipher = new libsignal.SessionCipher(store, CLIENT)
    const padded = type === 'skmsg'
      ? await new GroupCipher(store, new SenderKeyName(group, CLIENT)).decrypt(ciphertext)
      : type === 'pkmsg' ? await cipher.decryptPreKeyWhisperMessage(ciphertext) : await cipher.decryptWhisperMessage(ciphertext)
    const message = proto.Message.decode(unpad(Buffer.from(padded)))
    const distribution = message.senderKeyDistributionMessage
    if (distribution) {  // the client's sender key for the group: its skmsg comes next
      await new GroupSessionBuilder(store).process(new SenderKeyName(distribution.groupId, CLIENT),
        new SenderKeyDistributionMessage(null, null, null, null, distribution.axolotlSenderKeyDistributionMessage))
    }
    return message.toJSON()
  }
}

// Buffers cross the thread boundary as Uint8Arrays; libsignal wants Buffers back.
const buffers = (value) => value instanceof Uint8Array ? Buffer.from(value)
  : Array.isArray(value) ? value.map(buffers)
    : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, buffers(item)]))
      : value

parentPort?.on('message', async ({ id, call, args }) => {
  try {
    parentPort.postMessage({ id, result: await calls[call](...buffers(args)) })
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) })
  }
})
