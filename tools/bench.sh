#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks, in numbers, on this machine:
#  1. the codec (Google Benchmark): decode to events, to XML, encode, on a realistic stanza
#     mix per version and on a 1 MiB frame of 100,000 nodes, each as a ratio to a plain pass
#     over the same bytes in the same run;
#     (FunXMPP's dialects and the successor's MD format, on the same stanzas);
#  2. tshark at capture scale: a generated capture of about 200,000 frames (~100 MB, a
#     realistic mix, encrypted, with the password given) and one of half that, read
#     (a) with the plugin disabled, (b) plugin on, no tree (-q -z endpoints,tcp; (a) runs
#     the same tap), (c) -T fields -e funxmpp.xml, (d) -V; wall time and peak memory of each
#     as a ratio to (a), and full size against half size. A reference row, Wireshark's own
#     fields pass with the plugin disabled (-T fields -e frame.number), shows what (c) costs
#     before the plugin does anything: tshark builds the full tree of every protocol for -T fields.
#  3. the successor protocol at capture scale: a generated capture of Noise connections, read
#     with the plugin disabled, with it on (no tree), and with it on and the connections' key log
#     (every frame decrypted and decoded, no tree).
#  4. the end-to-end layer at capture scale: a generated capture of Noise connections whose
#     message stanzas nearly all carry Signal payloads (<enc> msg, pkmsg, skmsg; chat-like texts
#     of a few words to a few paragraphs) with their WA_SIGNAL_KEY lines in the key log, read
#     (a) with the plugin disabled, -T fields -e frame.number (Wireshark's own fields pass), and
#     (b) with the plugin and the key log, -T fields -e funxmpp.e2e.json (every payload opened
#     and read as JSON); wall time and peak memory of (b) as a ratio to (a).
#  5. batch over many captures (tools/funxmpp-batch): BATCH_CAPTURES (default 200) captures, at
#     least 2 GB in all, made by shifting the times of three generated ones (a successor
#     session with Signal payloads, a WA 1.5 session encrypted with a password, a successor
#     session of acks and media) with their secrets beside them (NAME.keys, NAME.passwords):
#     the tool with one worker per core against the sum of each capture's tshark run alone,
#     its rate of writing rows, and its peak memory against a run over a tenth of the captures
#     (tests/bench/batch_bench.py).
#  6. media files (DESIGN 2.9): a generated capture of 200 MB of media downloads (40 files of
#     5 MB, each after the message naming it), exported (a) by Wireshark's HTTP export with the
#     plugin disabled, (b) by --export-objects funxmpp with the key log (every file checked and
#     decrypted); and, exporting nothing, (c) the plugin disabled and (d) the plugin with the key
#     log, every file opened (-Y funxmpp.media.mac_valid): what the plugin itself holds beyond
#     Wireshark's own pass, against the largest file.
# Each tshark run is repeated REPS times (default 3): the fastest time, the largest peak memory.
# Every target of the performance issue is checked and reported as met or not.
# usage: tools/bench.sh [BLOCKS]   (connection blocks of 5,000 exchanges; default 10)
# BENCH_SECTIONS picks sections (default all: "codec capture successor e2e batch media"), e.g.
#   BENCH_SECTIONS=e2e tools/bench.sh      (the end-to-end section alone, and its targets)
set -euo pipefail
cd "$(dirname "$0")/.."
blocks=${1:-10}
build=${BUILD_DIR:-build}
reps=${REPS:-3}
sections=${BENCH_SECTIONS:-codec capture successor e2e batch media}
for s in $sections; do
    case $s in
    codec | capture | successor | e2e | batch | media) ;;
    *) echo "BENCH_SECTIONS: unknown section $s (codec, capture, successor, e2e, batch, media)" >&2; exit 2 ;;
    esac
done
want() { case " $sections " in *" $1 "*) return 0 ;; esac; return 1; }
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
PLUGIN_DIR=$build/plugins
. tools/plugin-env.sh   # WORK, run_as_user: tshark as root ignores plugin folders

# Runs interleave (every mode and size once per round) so that a slow spell of this shared
# machine falls on all of them alike; each keeps its fastest time and its largest peak memory.
declare -A secs mem
measure() {  # KEY CAPTURE TSHARK_ARGS...: one run; KEY keeps its fastest time and largest peak memory
    local key=$1 capture=$2 s k
    shift 2
    run_as_user /usr/bin/time -f '%e %M' -o "$WORK/home/time" tshark -r "$capture" "$@" >/dev/null 2>&1
    read -r s k <"$WORK/home/time"
    secs[$key]=$(awk -v a="${secs[$key]:-}" -v b="$s" 'BEGIN { print (a == "" || b < a) ? b : a }')
    [ "$k" -gt "${mem[$key]:-0}" ] && mem[$key]=$k
    return 0
}

# LABEL KEY BASE_KEY: a mode's row, its time and peak memory, each also as a ratio to the base's.
mode_row() {
    awk -v l="$1" -v s="${secs[$2]}" -v sa="${secs[$3]}" -v k="${mem[$2]}" -v ka="${mem[$3]}" \
        'BEGIN { printf "%-58s %8.2f %7.2f %8.0f %7.2f\n", l, s, s / sa, k / 1024, k / ka }'
}

if want codec; then
    echo "== Codec ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
    "$build/bin/codec_bench" --benchmark_format=csv --benchmark_min_time=0.3 2>/dev/null >"$WORK/codec.csv"
    awk -F, 'NR > 1 {
            gsub(/"/, "", $1); name = $1; t[name] = $3; unit[name] = $5; bps[name] = $6; nps[name] = $NF
        }
        END {
            split("WA_1.2 WA_1.4 WA_1.5 WA_1.6 MD_5.2 MD_6.3", v, " ")
            printf "%-28s %12s %14s %16s %18s\n", "benchmark", "time", "MB/s", "nodes/s", "x plain pass"
            for (i = 0; i < 6; i++)
                for (k = 1; k <= 4; k++) {
                    split("PlainPass DecodeEvents DecodeXml Encode", kind, " ")
                    n = "BM_Mix_" kind[k] "/" i; base = "BM_Mix_PlainPass/" i
                    label = v[i + 1]; sub(/_/, " ", label)
                    printf "%-28s %9.1f %s %14.1f %16.0f %18.1f\n", label " " kind[k], t[n], unit[n], bps[n] / 1e6, nps[n], t[n] / t[base]
                }
            split("PlainPass DecodeEvents DecodeXml Encode", kind, " ")
            for (k = 1; k <= 4; k++) {
                n = "BM_Frame1MiB_" kind[k]
                printf "%-28s %9.2f %s %14.1f %16.0f %18.1f\n", "1 MiB frame " kind[k], t[n], unit[n], bps[n] / 1e6, nps[n], t[n] / t["BM_Frame1MiB_PlainPass"]
            }
        }' "$WORK/codec.csv"
    frame_ms=$(awk -F, '$1 == "\"BM_Frame1MiB_DecodeEvents\"" { print ($5 == "us") ? $3 / 1000 : ($5 == "ns") ? $3 / 1e6 : $3 }' "$WORK/codec.csv")
    # The same stanzas decoded to events: the successor's MD format against the slowest FunXMPP
    # dialect (CPU time: the column a shared machine disturbs least).
    md_vs_funxmpp=$(awk -F, '{ gsub(/"/, "", $1); cpu[$1] = $4 }
        END { slowest = 0; for (i = 0; i < 4; i++) if (cpu["BM_Mix_DecodeEvents/" i] > slowest) slowest = cpu["BM_Mix_DecodeEvents/" i]
              md = cpu["BM_Mix_DecodeEvents/4"]; if (cpu["BM_Mix_DecodeEvents/5"] > md) md = cpu["BM_Mix_DecodeEvents/5"]
              print md / slowest }' "$WORK/codec.csv")
fi

# A large session script: per connection a WAUTH-2 login, then exchanges of a text message,
# its receipt and read receipt, an answer, and every 10th a media message with a thumbnail.
make_script() {  # BLOCKS OUT
    awk -v blocks="$1" 'BEGIN {
        print "version 1.5\nserver 10.200.0.1:443\nstart 1432000000.0\nseed 9\npassword AQIDBAUGBwgJCgsMDQ4PEBESExQ="
        for (b = 0; b < blocks; b++) {
            printf "client 10.200.1.%d:5%04d\nconnect\nprologue\n", b % 250 + 2, b
            print "c <stream:stream to=\"s.whatsapp.net\" resource=\"Android-2.12.84-443\">"
            print "c <auth mechanism=\"WAUTH-2\" user=\"4915112345678\"/>\nsend c"
            print "s <stream:stream from=\"s.whatsapp.net\">\ns <stream:features/>"
            print "s <challenge>{{hex a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3}}</challenge>\nsend s"
            print "c login response 4915112345678 a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3 1432000001\nsend c"
            print "encrypt s\nencrypt c\ns <success t=\"1432000002\" kind=\"free\" status=\"active\">{{random 20}}</success>\nsend s"
            for (i = 0; i < 5000; i++) {
                id = sprintf("14320%05d-%d", i, b)
                printf "c <message to=\"4917012345678@s.whatsapp.net\" type=\"text\" id=\"%s\" t=\"1432000100\"><body>Hello, this is message %d of the day</body></message>\nsend c\n", id, i
                printf "s <receipt from=\"4917012345678@s.whatsapp.net\" id=\"%s\" t=\"1432000101\"/>\n", id
                printf "s <message from=\"4917012345678@s.whatsapp.net\" type=\"text\" id=\"3EB0%06X\" t=\"1432000102\" notify=\"Eve\"><body>Fine, and you? (%d)</body></message>\nsend s\n", i, i
                printf "c <receipt to=\"4917012345678@s.whatsapp.net\" id=\"3EB0%06X\" type=\"read\"/>\nsend c\n", i
                if (i % 10 == 0)
                    printf "s <message from=\"4917012345678@s.whatsapp.net\" type=\"media\" id=\"3EB1%06X\" t=\"1432000103\"><media type=\"image\" mimetype=\"image/jpeg\" size=\"53211\" encoding=\"raw\">{{random 12000}}</media></message>\nsend s\n", i
            }
            print "close"
        }
    }' >"$2"
}

if want capture; then
    make_script "$blocks" "$WORK/full.session"
    make_script "$((blocks / 2))" "$WORK/half.session"
    "$build/bin/funxmpp-capture-gen" "$WORK/full.session" "$WORK/full"
    "$build/bin/funxmpp-capture-gen" "$WORK/half.session" "$WORK/half"
    chmod a+r "$WORK"/full.pcap "$WORK"/half.pcap
    frames=$(wc -l <"$WORK/full.xml")
    echo
    echo "== tshark $(tshark --version 2>/dev/null | head -n 1 | awk '{print $3}') over $(du -m "$WORK/full.pcap" | cut -f1) MB, $(capinfos -c -M "$WORK/full.pcap" 2>/dev/null | awk '/Number of packets/ {print $NF}') packets, $frames stanzas (half size: $(du -m "$WORK/half.pcap" | cut -f1) MB); best of $reps runs"
    password='uat:funxmpp_passwords:"4915112345678","AQIDBAUGBwgJCgsMDQ4PEBESExQ=",""'
    # The modes, as tshark arguments; "r" is the reference fields pass without the plugin.
    declare -A mode_args=(
        [a]="--disable-protocol funxmpp -q -z endpoints,tcp"
        [b]="-q -z endpoints,tcp"
        [r]="--disable-protocol funxmpp -T fields -e frame.number"
        [c]="-T fields -e funxmpp.xml"
        [d]="-V"
    )
    for _ in $(seq "$reps"); do
        for size in full half; do
            for m in a b r c d; do
                # shellcheck disable=SC2086  # the mode's arguments split on purpose
                measure "$m$size" "$WORK/$size.pcap" -o "$password" ${mode_args[$m]}
            done
        done
    done
    printf '%-58s %8s %7s %8s %7s %10s %10s\n' mode seconds "x (a)" "peak MB" "x (a)" "time f/h" "memory f/h"
    for m in a b r c d; do
        case $m in
        a) label="(a) plugin disabled, -q -z endpoints,tcp" ;;
        b) label="(b) plugin on, -q -z endpoints,tcp" ;;
        r) label="    reference: plugin disabled, -T fields -e frame.number" ;;
        c) label="(c) -T fields -e funxmpp.xml" ;;
        d) label="(d) -V" ;;
        esac
        awk -v l="$label" -v s="${secs[${m}full]}" -v sa="${secs[afull]}" -v k="${mem[${m}full]}" -v ka="${mem[afull]}" \
            -v h="${secs[${m}half]}" -v kh="${mem[${m}half]}" \
            'BEGIN { printf "%-58s %8.2f %7.2f %8.0f %7.2f %10.2f %10.2f\n", l, s, s / sa, k / 1024, k / ka, s / h, k / kh }'
    done
    awk -v c="${secs[cfull]}" -v r="${secs[rfull]}" -v a="${secs[afull]}" 'BEGIN {
        printf "Wireshark alone, fields pass / (a): %.2f; (c) / that fields pass: %.2f\n", r / a, c / r }'
fi

# The successor protocol at capture scale: Noise XX connections (real handshakes, AES-GCM
# transport frames of the same kind of traffic) on a port no dissector owns, so that Wireshark
# alone is TCP alone: (a) plugin disabled, (b) plugin on, no tree, (c) as (b) with the key log
# (a WA_NOISE_CLIENT line per connection: the handshake run, every frame decrypted and decoded).
# The opening of every generated connection (awk): the XX handshake, a ping, the server's success.
open_connection_awk='
    function open_connection(net, b) {
        printf "client 10.%d.1.%d:5%04d\nconnect\nprologue\nc client-hello\nsend c\ns server-hello\nsend s\n", net, b % 250 + 2, b
        print "c client-finish\nc <iq id=\"1\" type=\"get\" xmlns=\"w:p\" to=\"s.whatsapp.net\"><ping/></iq>\nsend c"
        print "s <success t=\"1700000000\" props=\"2\" abprops=\"1\" location=\"frc\" creation=\"1600000000\"/>\nsend s"
    }'
make_noise_script() {  # BLOCKS OUT
    awk -v blocks="$1" "$open_connection_awk"'BEGIN {
        print "version 6.3\ntransport tcp\nserver 10.201.0.1:40001\nstart 1700000000.0\nseed 10\nanalyst-keylog client"
        for (b = 0; b < blocks; b++) {
            open_connection(201, b)
            for (i = 0; i < 5000; i++) {
                id = sprintf("3EB0%016X", b * 5000 + i)
                printf "c <message id=\"%s\" to=\"4917012345678@s.whatsapp.net\" type=\"text\"><enc v=\"2\" type=\"msg\">{{random 120}}</enc></message>\nsend c\n", id
                printf "s <ack id=\"%s\" class=\"message\" from=\"4917012345678@s.whatsapp.net\" t=\"1700000100\"/>\n", id
                printf "s <receipt from=\"4917012345678@s.whatsapp.net\" id=\"%s\" t=\"1700000101\"/>\nsend s\n", id
                printf "c <ack id=\"%s\" class=\"receipt\" to=\"4917012345678@s.whatsapp.net\"/>\nsend c\n", id
                if (i % 10 == 0)
                    printf "s <message from=\"4917012345678@s.whatsapp.net\" id=\"3EB1%016X\" type=\"media\" t=\"1700000102\"><enc v=\"2\" type=\"msg\">{{random 12000}}</enc></message>\nsend s\n", b * 5000 + i
            }
            print "close"
        }
    }' >"$2"
}

if want successor; then
    make_noise_script "$blocks" "$WORK/noise.session"
    "$build/bin/funxmpp-capture-gen" "$WORK/noise.session" "$WORK/noise"
    chmod a+r "$WORK/noise.pcap" "$WORK/noise.keylog"
    echo
    echo "== Successor protocol: tshark over $(du -m "$WORK/noise.pcap" | cut -f1) MB, $(capinfos -c -M "$WORK/noise.pcap" 2>/dev/null | awk '/Number of packets/ {print $NF}') packets, $(grep -c . "$WORK/noise.plain") transport frames; best of $reps runs"
    declare -A noise_args=([a]="--disable-protocol funxmpp -q -z endpoints,tcp" [b]="-q -z endpoints,tcp"
                           [c]="-o funxmpp.noise_keylog:$WORK/noise.keylog -q -z endpoints,tcp")
    # (c) really decrypts: the statistics count every transport frame as decrypted.
    run_as_user tshark -r "$WORK/noise.pcap" -o "funxmpp.noise_keylog:$WORK/noise.keylog" -q -z funxmpp,tree >"$WORK/noise.stats" 2>&1
    decrypted=$(awk '$1 == "decrypted" { print $2 }' "$WORK/noise.stats")
    echo "with the key log: ${decrypted:-0} of $(grep -c . "$WORK/noise.plain") transport frames decrypted"
    for _ in $(seq "$reps"); do
        for m in a b c; do
            # shellcheck disable=SC2086
            measure "n$m" "$WORK/noise.pcap" ${noise_args[$m]}
        done
    done
    printf '%-58s %8s %7s %8s %7s\n' mode seconds "x (a)" "peak MB" "x (a)"
    for m in a b c; do
        case $m in
        a) label="(a) plugin disabled, -q -z endpoints,tcp" ;;
        b) label="(b) plugin on, -q -z endpoints,tcp" ;;
        c) label="(c) plugin on with the key log, -q -z endpoints,tcp" ;;
        esac
        mode_row "$label" "n$m" na
    done
fi

# The end-to-end layer at capture scale (DESIGN 2.8): Noise connections (key log: their
# WA_NOISE_CLIENT lines) whose message stanzas nearly all carry Signal payloads sealed as
# WhatsApp does, each with its WA_SIGNAL_KEY line. Per exchange the client sends a text (msg; a
# pkmsg to every 25th), the server acks it and the peer reads it, an answer comes from the peer
# (msg; pkmsg every 20th) or, every 4th, in a group (skmsg), the client sends its receipt; every
# 10th a presence and a chat state, every 25th a channel's message in the clear (<plaintext>).
# Texts are drawn from a chat vocabulary (some words not ASCII, an emoji now and then): 55% of
# 2 to 9 words, 35% of 8 to 27, 10% of 25 to 114 (median about 45 bytes, a tenth over 160).
# (a) Wireshark's own fields pass, plugin disabled; (b) the plugin with the key log, every
# payload opened and its Message read as JSON.
make_e2e_script() {  # BLOCKS OUT
    awk -v blocks="$1" "$open_connection_awk"'
    function sentence(   r, words, s, i) {
        r = rand()
        words = r < 0.55 ? 2 + int(rand() * 8) : r < 0.9 ? 8 + int(rand() * 20) : 25 + int(rand() * 90)
        s = vocab[int(rand() * nv) + 1]
        s = toupper(substr(s, 1, 1)) substr(s, 2)
        for (i = 1; i < words; i++)
            s = s (rand() < 0.08 ? ", " : " ") vocab[int(rand() * nv) + 1]
        return s (rand() < 0.3 ? "?" : rand() < 0.2 ? "! \360\237\230\200" : ".")
    }
    # Message { conversation = TEXT } in hex, for an ASCII TEXT shorter than 128 bytes.
    function conversation_hex(text,   out, i) {
        out = sprintf("0a%02x", length(text))
        for (i = 1; i <= length(text); i++)
            out = out sprintf("%02x", ord[substr(text, i, 1)])
        return out
    }
    BEGIN {
        srand(22)
        for (i = 32; i < 127; i++)
            ord[sprintf("%c", i)] = i
        nv = split("the a to you I and it is for we that on at this are be can what with ok yes no not just " \
                   "tomorrow today tonight later lunch dinner meeting train station home work office call me " \
                   "when where how about see soon thanks great sounds good let know minutes running late " \
                   "photos weekend plans birthday party bring something coffee morning evening also really " \
                   "think maybe sure Gr\303\274\303\237e sch\303\266n caf\303\251 na\303\257ve ma\303\261ana \303\274ber", vocab, " ")
        print "version 6.3\ntransport tcp\nserver 10.202.0.1:40002\nstart 1700000000.0\nseed 11\nanalyst-keylog client"
        for (b = 0; b < blocks; b++) {
            open_connection(202, b)
            for (i = 0; i < 5000; i++) {
                k = b * 5000 + i
                peer = sprintf("49170%07d@s.whatsapp.net", k % 40)
                id = sprintf("3EB0%016X", k)
                type = i % 25 == 0 ? "pkmsg" : "msg"
                printf "c <message id=\"%s\" to=\"%s\" type=\"text\"><enc v=\"2\" type=\"%s\">{{signal %s %s}}</enc></message>\nsend c\n", id, peer, type, type, sentence()
                printf "s <ack id=\"%s\" class=\"message\" from=\"%s\" t=\"1700000100\"/>\n", id, peer
                printf "s <receipt from=\"%s\" id=\"%s\" type=\"read\" t=\"1700000101\"/>\nsend s\n", peer, id
                id = sprintf("3EB1%016X", k)
                type = i % 20 == 1 ? "pkmsg" : "msg"
                if (i % 4 == 3)
                    printf "s <message from=\"1203630000000%05d@g.us\" participant=\"%s\" id=\"%s\" type=\"text\" t=\"1700000102\"><enc v=\"2\" type=\"skmsg\">{{signal skmsg %s}}</enc></message>\nsend s\n", k % 7, peer, id, sentence()
                else
                    printf "s <message from=\"%s\" id=\"%s\" type=\"text\" t=\"1700000102\"><enc v=\"2\" type=\"%s\">{{signal %s %s}}</enc></message>\nsend s\n", peer, id, type, type, sentence()
                printf "c <receipt to=\"%s\" id=\"%s\"/>\nsend c\n", peer, id
                if (i % 10 == 0)
                    printf "s <presence from=\"%s\" type=\"available\"/>\ns <chatstate from=\"%s\"><composing/></chatstate>\nsend s\n", peer, peer
                if (i % 25 == 12)
                    printf "s <message from=\"1203630000000%05d@newsletter\" id=\"3EB2%016X\" type=\"text\" t=\"1700000103\"><plaintext>{{hex %s}}</plaintext></message>\nsend s\n", k % 3, k, conversation_hex(sprintf("Channel news %d: what happened this week", k))
            }
            print "close"
        }
    }' >"$2"
}

if want e2e; then
    make_e2e_script "$blocks" "$WORK/e2e.session"
    "$build/bin/funxmpp-capture-gen" "$WORK/e2e.session" "$WORK/e2e"
    chmod a+r "$WORK/e2e.pcap" "$WORK/e2e.keylog"
    payloads=$(grep -c '^WA_SIGNAL_KEY ' "$WORK/e2e.keylog")
    echo
    echo "== End-to-end payloads: tshark over $(du -m "$WORK/e2e.pcap" | cut -f1) MB, $(capinfos -c -M "$WORK/e2e.pcap" 2>/dev/null | awk '/Number of packets/ {print $NF}') packets, $(grep -c '^[cs] <message ' "$WORK/e2e.session") message stanzas, $payloads <enc> payloads with their keys ($(grep -o '{{signal [a-z]*' "$WORK/e2e.session" | sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $3, $1 }')), $(grep -c '<plaintext>' "$WORK/e2e.session") <plaintext>; best of $reps runs"
    declare -A e2e_args=([a]="--disable-protocol funxmpp -T fields -e frame.number"
                         [b]="-o funxmpp.noise_keylog:$WORK/e2e.keylog -T fields -e funxmpp.e2e.json")
    # (b) really opens them: every payload says it is decrypted.
    run_as_user tshark -r "$WORK/e2e.pcap" -o "funxmpp.noise_keylog:$WORK/e2e.keylog" -T fields -e funxmpp.e2e.decrypted \
        2>/dev/null | tr ',' '\n' >"$WORK/e2e.decrypted"
    opened=$(grep -c '^1$' "$WORK/e2e.decrypted" || true)
    echo "with the key log: $opened of $payloads payloads decrypted"
    for _ in $(seq "$reps"); do
        for m in a b; do
            # shellcheck disable=SC2086
            measure "e$m" "$WORK/e2e.pcap" ${e2e_args[$m]}
        done
    done
    printf '%-58s %8s %7s %8s %7s\n' mode seconds "x (a)" "peak MB" "x (a)"
    for m in a b; do
        case $m in
        a) label="(a) plugin disabled, -T fields -e frame.number" ;;
        b) label="(b) plugin, key log, -T fields -e funxmpp.e2e.json" ;;
        esac
        mode_row "$label" "e$m" ea
    done
fi

if want media; then
    files=40 size=$((5 * 1024 * 1024))
    {
        printf 'version 6.3\ntransport tcp\nstart 1700000000.0\nseed 23\n'
        for i in $(seq "$files"); do printf 'media f%d documentMessage application/octet-stream random %d name file-%02d.bin\n' "$i" "$size" "$i"; done
        printf 'client 10.203.0.2:50000\nserver 10.203.0.1:5222\nanalyst-keylog client\nconnect\nprologue\n'
        printf 'c client-hello\nsend c\ns server-hello\nsend s\nc client-finish\nsend c\n'
        for i in $(seq "$files"); do
            printf 's <message from="4917012345678@s.whatsapp.net" id="3EB0MEDIA%04d" type="media"><enc v="2" type="msg">{{signal-media msg f%d}}</enc></message>\nsend s\n' "$i" "$i"
        done
        printf 'close\nanalyst-keylog none\nclient 10.203.0.2:50001\nserver 10.203.0.9:80\nconnect\n'
        for i in $(seq "$files"); do printf 'c http-media-get f%d\nsend c\ns http-media f%d\nsend s\n' "$i" "$i"; done
        printf 'close\n'
    } >"$WORK/media.session"
    "$build/bin/funxmpp-capture-gen" "$WORK/media.session" "$WORK/media" >/dev/null
    chmod a+r "$WORK/media.pcap" "$WORK/media.keylog"
    mkdir -m 777 "$WORK/media-out"
    echo
    echo "== Media files: tshark over $(du -m "$WORK/media.pcap" | cut -f1) MB, $files files of $((size / 1048576)) MB downloaded after their messages; best of $reps runs"
    declare -A media_args=([a]="--disable-protocol funxmpp -q --export-objects http,$WORK/media-out"
                           [b]="-o funxmpp.noise_keylog:$WORK/media.keylog -q --export-objects funxmpp,$WORK/media-out"
                           [c]="--disable-protocol funxmpp -q -Y http.response"
                           [d]="-o funxmpp.noise_keylog:$WORK/media.keylog -q -Y funxmpp.media.mac_valid")
    for _ in $(seq "$reps"); do
        for m in a b c d; do
            find "$WORK/media-out" -mindepth 1 -delete
            # shellcheck disable=SC2086
            measure "m$m" "$WORK/media.pcap" ${media_args[$m]}
            [ "$m" = b ] && exported_files=$(find "$WORK/media-out" -type f | wc -l)
        done
    done
    echo "--export-objects funxmpp wrote $exported_files of $files files"
    printf '%-58s %8s %7s %8s %7s\n' mode seconds "x (a)" "peak MB" "x (a)"
    for m in a b c d; do
        case $m in
        a) label="(a) plugin disabled, --export-objects http" ;;
        b) label="(b) plugin, key log, --export-objects funxmpp" ;;
        c) label="(c) plugin disabled, -q -Y http.response" ;;
        d) label="(d) plugin, key log, -q -Y funxmpp.media.mac_valid" ;;
        esac
        mode_row "$label" "m$m" ma
    done
fi

if want batch; then
    count=${BATCH_CAPTURES:-200}
    make_e2e_script 2 "$WORK/batch-e2e.session"
    make_script 1 "$WORK/batch-wa15.session"
    make_noise_script 1 "$WORK/batch-noise.session"
    for kind in e2e wa15 noise; do
        "$build/bin/funxmpp-capture-gen" "$WORK/batch-$kind.session" "$WORK/batch-$kind"
    done
    mkdir -p "$WORK/batch"
    for i in $(seq "$count"); do  # the same traffic, each copy shifted by its own number of seconds
        kind=$(echo e2e wa15 noise | cut -d' ' -f$(( i % 3 + 1 )))
        name=$(printf '%s/%s-%03d' "$WORK/batch" "$kind" "$i")
        editcap -t "$i" "$WORK/batch-$kind.pcap" "$name.pcap"
        if [ "$kind" = wa15 ]; then
            echo "4915112345678,AQIDBAUGBwgJCgsMDQ4PEBESExQ=" >"$name.passwords"
        else
            ln -s "$WORK/batch-$kind.keylog" "$name.keys"
        fi
    done
    chmod -R a+rX "$WORK/batch" "$WORK"/batch-*
    echo
    echo "== Batch: tools/funxmpp-batch over $count captures ($(du -cm "$WORK"/batch/*.pcap | tail -1 | cut -f1) MB: $(for k in e2e wa15 noise; do du -m "$WORK/batch-$k.pcap" | cut -f1; done | paste -sd/) MB each of three kinds), one run each"
    /usr/bin/python3 tests/bench/batch_bench.py "$WORK/batch" "$(realpath "$PLUGIN_DIR")" "$WORK" | tee "$WORK/batch.out" | grep -v '^verdict'
fi

# The targets, each met or not.
echo
echo "== Targets"
verdict() {  # DESCRIPTION VALUE LIMIT
    awk -v d="$1" -v v="$2" -v l="$3" 'BEGIN { printf "%-62s %8.2f  <= %-5s %s\n", d, v, l, (v <= l) ? "met" : "NOT MET" }'
}
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { print x / y }'; }
at_least() {  # DESCRIPTION VALUE FLOOR
    awk -v d="$1" -v v="$2" -v l="$3" 'BEGIN { printf "%-62s %8.0f  >= %-5s %s\n", d, v, l, (v >= l) ? "met" : "NOT MET" }'
}
if want codec; then
    verdict "1 MiB frame of 100,000 nodes, decoded to events (ms)" "$frame_ms" 50
    verdict "MD decode to events / slowest FunXMPP dialect (same stanzas)" "$md_vs_funxmpp" 1.0
fi
if want successor; then
    verdict "successor capture: (b) time / (a) time" "$(ratio "${secs[nb]}" "${secs[na]}")" 1.3
    verdict "successor capture, decrypting: (c) time / (b) time" "$(ratio "${secs[nc]}" "${secs[nb]}")" 1.3
    verdict "successor capture, decrypting: (c) peak memory / (a)" "$(ratio "${mem[nc]}" "${mem[na]}")" 1.5
    verdict "successor capture: every transport frame decrypted (frames left)" \
        "$(( $(grep -c . "$WORK/noise.plain") - ${decrypted:-0} ))" 0
fi
if want e2e; then
    verdict "end-to-end capture: (b) time / (a) time" "$(ratio "${secs[eb]}" "${secs[ea]}")" 1.3
    verdict "end-to-end capture: (b) peak memory / (a)" "$(ratio "${mem[eb]}" "${mem[ea]}")" 1.5
    verdict "end-to-end capture: every payload decrypted (payloads left)" "$((payloads - opened))" 0
fi
if want capture; then
    verdict "(b) time / (a) time" "$(ratio "${secs[bfull]}" "${secs[afull]}")" 1.3
    verdict "(c) time / (a) time" "$(ratio "${secs[cfull]}" "${secs[afull]}")" 2
    for m in a b c d; do
        verdict "($m) time, full size / half size" "$(ratio "${secs[${m}full]}" "${secs[${m}half]}")" 2.1
    done
    for m in b c d; do
        verdict "($m) peak memory / (a) peak memory" "$(ratio "${mem[${m}full]}" "${mem[afull]}")" 1.5
    done
    for m in a b c d; do
        verdict "($m) peak memory, full size / half size" "$(ratio "${mem[${m}full]}" "${mem[${m}half]}")" 2.1
    done
fi
if want media; then
    verdict "media: (b) export time / (a) Wireshark's HTTP export" "$(ratio "${secs[mb]}" "${secs[ma]}")" 1.5
    verdict "media: files not exported" "$((files - exported_files))" 0
    verdict "media: (d) peak - (c) peak, in largest files ($((size / 1048576)) MB)" \
        "$(awk -v d="${mem[md]}" -v c="${mem[mc]}" -v f="$size" 'BEGIN { print (d - c) * 1024 / f }')" 3
fi
if want batch; then
    while IFS=$'\t' read -r _ description value limit op; do
        if [ "$op" = '>=' ]; then at_least "batch: $description" "$value" "$limit"; else verdict "batch: $description" "$value" "$limit"; fi
    done < <(grep '^verdict' "$WORK/batch.out")
fi
