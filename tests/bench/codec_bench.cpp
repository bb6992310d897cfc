// SPDX-License-Identifier: GPL-2.0-or-later
// Codec benchmarks (Google Benchmark): decode to events, decode to XML, encode, on a
// realistic stanza mix per version and on a pathological 1 MiB frame of 100,000 nodes, each
// next to a plain pass over the same bytes (tools/bench.sh prints the ratios).
#include <benchmark/benchmark.h>

#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "codec/decoder.hpp"
#include "codec/encoder.hpp"
#include "codec/tree.hpp"
#include "codec/xml.hpp"

using namespace funxmpp;

namespace {

// FunXMPP's dialects, then the successor's MD node format (dictionaries v2 and v3).
const Version kVersions[] = {{1, 2}, {1, 4}, {1, 5}, {1, 6}, {5, 2}, {6, 3}};

// A day's traffic in miniature: messages, receipts, presences, acks, an iq with children,
// a media message with a thumbnail, a group notification.
std::vector<Node> realistic_stanzas()
{
    std::mt19937 rng(7);
    std::vector<Node> out;
    for (int i = 0; i < 200; ++i) {
        const std::string id = "1431364" + std::to_string(100 + i) + "-" + std::to_string(i);
        const std::string peer = "4917012345" + std::to_string(100 + i % 50) + "@s.whatsapp.net";
        out.push_back(Node::element("message").attr("to", peer).attr("type", "text").attr("id", id).attr("t", "1431364583")
                          .child(Node::element("body").text("Hello there, message number " + std::to_string(i))));
        out.push_back(Node::element("receipt").attr("from", peer).attr("id", id).attr("t", "1431364584"));
        out.push_back(Node::element("ack").attr("class", "receipt").attr("type", "read").attr("to", peer).attr("id", id));
        if (i % 5 == 0)
            out.push_back(Node::element("presence").attr("type", "available").attr("name", "Alice"));
        if (i % 10 == 0) {
            Node iq = Node::element("iq");
            iq.attr("type", "result").attr("from", "s.whatsapp.net").attr("id", std::to_string(i));
            Node props = Node::element("props");
            props.attr("version", "5");
            for (int p = 0; p < 8; ++p)
                props.child(Node::element("prop").attr("name", "max_groups").attr("value", std::to_string(p)));
            out.push_back(iq.child(props));
        }
        if (i % 20 == 0) {
            std::string thumb(3000, '\0');
            for (auto &c : thumb)
                c = static_cast<char>(rng());
            out.push_back(Node::element("message").attr("to", peer).attr("type", "media").attr("id", id)
                              .child(Node::element("media").attr("type", "image").attr("mimetype", "image/jpeg")
                                         .attr("size", "53211").text(thumb)));
        }
        if (i % 25 == 0)
            out.push_back(Node::element("notification").attr("from", "4915112345678-1431330000@g.us").attr("type", "w:gp2")
                              .attr("participant", peer).attr("id", std::to_string(i))
                              .child(Node::element("add").child(Node::element("participant").attr("jid", peer))));
    }
    return out;
}

struct Payloads {
    std::vector<std::string> frames;
    std::size_t bytes = 0, nodes = 0;
};

std::size_t count_nodes(const Node &n)
{
    return 1 + std::accumulate(n.children.begin(), n.children.end(), std::size_t{0},
                               [](std::size_t a, const Node &c) { return a + count_nodes(c); });
}

const Payloads &mix(const Dialect &d)
{
    static std::vector<std::pair<const Dialect *, Payloads>> cache;
    for (auto &[k, p] : cache)
        if (k == &d)
            return p;
    Payloads p;
    for (const Node &n : realistic_stanzas()) {
        p.frames.push_back(encode_node(d, n));
        p.bytes += p.frames.back().size();
        p.nodes += count_nodes(n);
    }
    cache.emplace_back(&d, std::move(p));
    return cache.back().second;
}

// <iq> with two lists of 50,000 <id>abcde</id> children: about 1 MiB, 100,003 nodes.
const Payloads &pathological()
{
    static Payloads p = [] {
        Payloads out;
        std::string b = "\xF8\x02\x4A\xF8\x02";
        for (int half = 0; half < 2; ++half) {
            b += std::string("\xF8\x02\x4A\xF9\xC3\x50", 6);
            for (int i = 0; i < 50000; ++i)
                b += std::string("\xF8\x02\x44\xFC\x05" "abcde", 10);
        }
        out.frames.push_back(b);
        out.bytes = b.size();
        out.nodes = 100003;
        return out;
    }();
    return p;
}

const Dialect &dialect_arg(const benchmark::State &state)
{
    return *dialect_for(kVersions[state.range(0)]);
}

void report(benchmark::State &state, const Payloads &p)
{
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.bytes));
    state.counters["nodes/s"] = benchmark::Counter(static_cast<double>(state.iterations() * p.nodes),
                                                   benchmark::Counter::kIsRate);
}

void plain_pass(benchmark::State &state, const Payloads &p)
{
    for (auto _ : state) {
        std::uint64_t sum = 0;
        for (const std::string &f : p.frames)
            for (unsigned char c : f)
                sum += c;
        benchmark::DoNotOptimize(sum);
    }
    report(state, p);
}

void decode_events(benchmark::State &state, const Dialect &d, const Payloads &p)
{
    NullHandler nothing;
    for (auto _ : state)
        for (const std::string &f : p.frames)
            benchmark::DoNotOptimize(
                decode_payload(d, reinterpret_cast<const std::uint8_t *>(f.data()), f.size(), nothing));
    report(state, p);
}

void decode_xml(benchmark::State &state, const Dialect &d, const Payloads &p)
{
    std::string out;
    XmlWriter writer(out);
    for (auto _ : state)
        for (const std::string &f : p.frames) {
            out.clear();
            writer.reset();
            decode_payload(d, reinterpret_cast<const std::uint8_t *>(f.data()), f.size(), writer);
            benchmark::DoNotOptimize(out.data());
        }
    report(state, p);
}

void BM_Mix_PlainPass(benchmark::State &s) { plain_pass(s, mix(dialect_arg(s))); }
void BM_Mix_DecodeEvents(benchmark::State &s) { decode_events(s, dialect_arg(s), mix(dialect_arg(s))); }
void BM_Mix_DecodeXml(benchmark::State &s) { decode_xml(s, dialect_arg(s), mix(dialect_arg(s))); }
void BM_Mix_Encode(benchmark::State &s)
{
    const Dialect &d = dialect_arg(s);
    const std::vector<Node> stanzas = realistic_stanzas();
    for (auto _ : s)
        for (const Node &n : stanzas)
            benchmark::DoNotOptimize(encode_node(d, n));
    report(s, mix(d));
}
void BM_Frame1MiB_PlainPass(benchmark::State &s) { plain_pass(s, pathological()); }
void BM_Frame1MiB_DecodeEvents(benchmark::State &s) { decode_events(s, *dialect_for({1, 5}), pathological()); }
void BM_Frame1MiB_DecodeXml(benchmark::State &s) { decode_xml(s, *dialect_for({1, 5}), pathological()); }
void BM_Frame1MiB_Encode(benchmark::State &s)
{
    const Dialect &d = *dialect_for({1, 5});
    const std::string &frame = pathological().frames.front();
    Node tree;
    if (!decode_tree(d, reinterpret_cast<const std::uint8_t *>(frame.data()), frame.size(), tree).ok()) {
        s.SkipWithError("the 1 MiB frame does not decode");
        return;
    }
    for (auto _ : s)
        benchmark::DoNotOptimize(encode_node(d, tree));
    report(s, pathological());
}

}  // namespace

BENCHMARK(BM_Mix_PlainPass)->DenseRange(0, 5);
BENCHMARK(BM_Mix_DecodeEvents)->DenseRange(0, 5);
BENCHMARK(BM_Mix_DecodeXml)->DenseRange(0, 5);
BENCHMARK(BM_Mix_Encode)->DenseRange(0, 5);
BENCHMARK(BM_Frame1MiB_PlainPass)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frame1MiB_DecodeEvents)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frame1MiB_DecodeXml)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frame1MiB_Encode)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
