#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The registration API inside TLS: with the key log, Wireshark decrypts TLS and wareg decodes
# the request and the answer (expected summaries in registration-over-tls.wareg, written by
# hand from the request tools/make-tls-registration-capture.sh sends); without it, nothing.
# usage: tls_registration_test.sh PLUGIN_DIR CAPTURES_DIR
set -u
PLUGIN_DIR=$1 dir=$2/tls
. "$(dirname "$0")/tshark_env.sh"
pcap=$(stage "$dir/registration-over-tls.pcapng")
keys=$(stage "$dir/registration-over-tls.keys")

info_column -r "$pcap" -o "tls.keylog_file:$keys" -Y wareg \
    2>"$WORK/stderr" >"$WORK/wareg"
check "request and answer decoded inside TLS" same "$dir/registration-over-tls.wareg" "$WORK/wareg"
check "the password is in wareg.pw" \
    test "$(run_tshark -r "$pcap" -o "tls.keylog_file:$keys" -Y 'wareg.pw == "FBMSERAPDg0MCwoJCAcGBQQDAgE="' 2>/dev/null | wc -l)" = 1
check "nothing on stderr" test ! -s "$WORK/stderr"
check "without the key log: no registration decoded" test "$(run_tshark -r "$pcap" -Y wareg 2>/dev/null | wc -l)" = 0
finish
