// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/aes_handles.hpp"

namespace funxmpp {

namespace {

struct KeptHandle {
    gcry_cipher_hd_t h = nullptr;
    std::array<std::uint8_t, 32> key{};
    bool keyed = false;
    ~KeptHandle()
    {
        if (h != nullptr)
            gcry_cipher_close(h);
    }
};

thread_local KeptHandle kept[2];  // by AesMode

}  // namespace

gcry_cipher_hd_t aes256_handle(AesMode mode, const std::array<std::uint8_t, 32> &key)
{
    KeptHandle &k = kept[static_cast<int>(mode)];
    if (k.h == nullptr &&
        gcry_cipher_open(&k.h, GCRY_CIPHER_AES256, mode == AesMode::Gcm ? GCRY_CIPHER_MODE_GCM : GCRY_CIPHER_MODE_CBC, 0) != 0) {
        k.h = nullptr;
        return nullptr;
    }
    if (k.keyed && k.key == key)
        return gcry_cipher_reset(k.h) == 0 ? k.h : nullptr;
    k.keyed = gcry_cipher_setkey(k.h, key.data(), key.size()) == 0;
    k.key = key;
    return k.keyed ? k.h : nullptr;
}

}  // namespace funxmpp
