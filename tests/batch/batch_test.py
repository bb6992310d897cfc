#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tools/funxmpp-batch over the project's captures (DESIGN 2.11).

- The database holds, capture by capture and row for row, what sequential `tshark -T fields`
  runs give: every funxmpp.xml value in capture order with its frame, time, TCP stream,
  direction, version and end-to-end JSON; tag, type, from, to and id as the XML's start tag
  says. Secrets come from files beside each capture (NAME.keys, NAME.passwords, NAME.args).
- Bad files (empty, not a capture, cut short, missing) are recorded with tshark's error and
  the run goes on; a capture over --timeout is killed and recorded, no tshark left behind.
- A run killed (SIGKILL) or interrupted (Ctrl-C) halfway and resumed gives the same database,
  with no capture half written; a second run skips what is done.
- A Dask LocalCluster of two workers (--scheduler) gives the same database.
usage: batch_test.py CAPTURE_GEN PLUGIN_DIR CAPTURES_DIR
"""

import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib.machinery import SourceFileLoader

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), '..', '..'))
BATCH = os.path.join(TOP, 'tools', 'funxmpp-batch')
TSHARK_WITH_PLUGIN = os.path.join(TOP, 'tools', 'tshark-with-plugin.sh')
passes = fails = 0


def check(name, ok, detail=''):
    global passes, fails
    if ok:
        passes += 1
        print(f'ok   {name}', flush=True)
    else:
        fails += 1
        print(f'FAIL {name}' + (f'\n{detail}' if detail else ''), flush=True)


def session_options(session):
    """The `# tshark:` options a capture's session names (passwords, Decode As ...)."""
    with open(session, encoding='utf-8') as f:
        for line in f:
            if line.startswith('# tshark: '):
                return line[len('# tshark: '):].split()  # (as the tshark tests read them: quotes kept)
    return []


def lay_out(folder, captures_dir, extra_sessions, gen):
    """The captures with their secrets beside them, as a user would lay them out: NAME.keys
    (the key log), NAME.passwords (phone,password,nonce), NAME.args (other options).
    Returns {capture path: tshark options for the expected run}."""
    layout = {}
    sessions = sorted(os.path.join(d, n) for d in (captures_dir, os.path.join(captures_dir, 'malformed'))
                      for n in os.listdir(d) if n.endswith('.session'))
    for session in sessions + extra_sessions:
        name = os.path.basename(session)[:-len('.session')]
        source = session[:-len('.session')]
        if session in extra_sessions:  # generated here
            source = os.path.join(os.path.dirname(folder), 'generated-' + name)
            subprocess.run([gen, session, source], check=True)
        capture = os.path.join(folder, name + '.pcap')
        os.symlink(source + '.pcap', capture)
        opts = session_options(session)
        if os.path.isfile(source + '.keylog'):
            os.symlink(source + '.keylog', os.path.join(folder, name + '.keys'))
            opts += ['-o', 'funxmpp.noise_keylog:' + source + '.keylog']
        passwords, args, i = [], [], 0
        while i < len(opts):
            if opts[i] == '-o' and opts[i + 1].startswith('uat:funxmpp_passwords:'):
                passwords.append(','.join(v.strip('"') for v in opts[i + 1].split(':', 2)[2].split(',')))
            elif not opts[i + 1].startswith('funxmpp.noise_keylog:'):
                args += opts[i:i + 2]
            i += 2
        if passwords:
            with open(os.path.join(folder, name + '.passwords'), 'w') as f:
                f.write('# phone,password,nonce\n' + '\n'.join(passwords) + '\n')
        if args:
            with open(os.path.join(folder, name + '.args'), 'w') as f:
                f.write('\n'.join(args) + '\n')
        layout[capture] = opts
    return layout


def unescape_field(value):
    """A -T fields value as it was: tshark writes LF, CR and TAB as \\n \\r \\t, and 4.4 and later a
    backslash as \\\\ (4.0 writes it as it is, so a text's own backslash before n, r, t or a
    backslash would read wrong there: the edge capture's backslash is before a space, which
    reads the same either way)."""
    return re.sub(r'\\([nrt\\])', lambda m: {'n': '\n', 'r': '\r', 't': '\t', '\\': '\\'}[m.group(1)], value)


def expected_rows(capture, opts, plugin_dir, server_ports):
    """A capture's rows as sequential tshark -T fields says: per frame, each funxmpp.xml value
    in order; the end-to-end JSON of the frame's stanzas in order."""
    fields = ['frame.number', 'frame.time_epoch', 'tcp.stream', 'tcp.dstport', 'funxmpp.version', 'funxmpp.xml',
              'funxmpp.e2e.json']
    cmd = [TSHARK_WITH_PLUGIN, '-n', '-r', capture] + opts + ['-Y', 'funxmpp.xml', '-T', 'fields', '-E', 'occurrence=a',
                                                                '-E', 'aggregator=\x1f', '-E', 'separator=\x1d']
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, capture_output=True, env=dict(os.environ, FUNXMPP_PLUGIN_DIR=plugin_dir),
                         check=True).stdout.decode('utf-8')
    frames = []
    for line in out.split('\n')[:-1]:  # (splitlines() would cut at 0x1D too)
        number, when, stream, dstport, versions, xmls, jsons = line.split('\x1d')
        frames.append({'frame': int(number), 'time': float(when), 'stream': int(stream),
                       'direction': 'C>S' if int(dstport.split('\x1f')[0]) in server_ports else 'S>C',
                       'versions': set(versions.split('\x1f')),
                       'xml': [unescape_field(x) for x in xmls.split('\x1f')],
                       'json': [unescape_field(j) for j in jsons.split('\x1f')] if jsons else []})
    return frames


def start_tag_facts(xml):
    """tag, type, from, to, id of a stanza, read here by regular expressions (the tool has its
    own reader): what a user would see at the start of the XML."""
    tag = re.match(r'</?([^ />]+)', xml).group(1)
    head = re.match(r'[^>]*', xml).group(0)
    attrs = {}
    for k, v in re.findall(r' ([^ =]+)="([^"]*)"', head):
        attrs.setdefault(k, v.replace('&quot;', '"').replace('&lt;', '<').replace('&gt;', '>').replace('&amp;', '&'))
    return [tag] + [attrs.get(k) for k in ('type', 'from', 'to', 'id')]


def compare_capture(db, capture, frames):
    rows = db.execute('SELECT frame, time, stream, direction, version, tag, type, jid_from, jid_to, stanza_id, xml, '
                      'e2e_json FROM stanzas JOIN captures ON captures.id = capture_id WHERE path = ? '
                      'ORDER BY stanzas.rowid', (capture,)).fetchall()
    problems, at = [], 0
    for fr in frames:
        mine = rows[at:at + len(fr['xml'])]
        at += len(fr['xml'])
        if [r[10] for r in mine] != fr['xml']:
            problems.append(f"frame {fr['frame']}: xml {[r[10] for r in mine]!r} != {fr['xml']!r}")
            continue
        payloads = []
        for r in mine:
            if r[0] != fr['frame'] or abs(r[1] - fr['time']) > 1e-6 or r[2] != fr['stream'] or r[3] != fr['direction'] \
                    or r[4] not in fr['versions']:
                problems.append(f"frame {fr['frame']}: {r[:5]} != {fr['time']} {fr['stream']} {fr['direction']} "
                                f"{fr['versions']}")
            if list(r[5:10]) != start_tag_facts(r[10]):
                problems.append(f"frame {fr['frame']}: {r[5:10]} != {start_tag_facts(r[10])}")
            if r[11] is not None:
                value = json.loads(r[11])
                payloads += value if isinstance(value, list) else [value]
        if payloads != [json.loads(j) for j in fr['json']]:
            problems.append(f"frame {fr['frame']}: e2e {payloads} != {fr['json']}")
    if at != len(rows):
        problems.append(f'{len(rows) - at} rows more than tshark -T fields gives')
    return len(rows), problems


def run_batch(args, **kw):
    return subprocess.run([BATCH] + args, capture_output=True, text=True, **kw)


def snapshot(db_path):
    """The database's content, independent of the order captures finished in."""
    db = sqlite3.connect(db_path)
    caps = db.execute('SELECT path, size, sha256, status, error, stanzas FROM captures ORDER BY path').fetchall()
    rows = db.execute('SELECT path, frame, time, stream, direction, version, tag, type, jid_from, jid_to, stanza_id, '
                      'xml, e2e_json FROM stanzas JOIN captures ON captures.id = capture_id '
                      'ORDER BY path, stanzas.rowid').fetchall()
    db.close()
    return caps, rows


def wait_for_done(db_path, n, proc, limit=120):
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        try:
            db = sqlite3.connect(db_path)
            count = db.execute("SELECT count(*) FROM captures WHERE status = 'done'").fetchone()[0]
            db.close()
            if count >= n:
                return True
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    return False


def no_tshark_left(marker):
    out = subprocess.run(['pgrep', '-f', marker], capture_output=True, text=True).stdout.split()
    return [p for p in out if int(p) != os.getpid()]


def check_reading_rows():
    """The tool's reading of tshark's output, read by read: records whose ends straddle two reads,
    one longer than many reads, a last one cut short, one of the wrong number of fields."""
    tool = SourceFileLoader('funxmpp_batch', BATCH).load_module()
    fields = tool.ROW_FIELDS
    records = [b'\x1f'.join(b'%d-%d' % (i, f) for f in range(fields)) for i in range(300)]
    records[7] = b'\x1f'.join([b'x' * 300000] + [b''] * (fields - 1))  # spans several reads
    output = b''.join(r + tool.RECORD_END for r in records) + b'\x1e'  # (then tshark was stopped)
    for size in (1, 2, 7, 4096, 65536):
        chunks, pending = [], bytearray()
        for at in range(0, len(output), size):
            tool.read_rows(chunks, pending, output[at:at + size])
        count, rows, bad = tool.check_rows(chunks)
        check(f'rows read {size} bytes at a time: every record whole, the cut one left over',
              list(tool.records_of(rows)) == records and count == len(records) and not bad and pending == b'\x1e')
    chunks, pending = [], bytearray()
    tool.read_rows(chunks, pending, records[1] + tool.RECORD_END + b'short\x1fone' + tool.RECORD_END + records[2] +
                   tool.RECORD_END)
    count, rows, bad = tool.check_rows(chunks)
    check('a record of the wrong number of fields is set apart, the others kept',
          count == 2 and list(tool.records_of(rows)) == [records[1], records[2]] and bad == [b'short\x1fone'])


def main():
    check_reading_rows()
    for module, package in (('distributed', 'python3-distributed'), ('tqdm', 'python3-tqdm')):
        try:
            __import__(module)
        except ImportError:
            print(f'skipped: {package} is not installed (tools/setup-debian.sh installs it)')
            return 77
    if shutil.which('tshark') is None:
        print('skipped: tshark is not installed (tools/setup-debian.sh installs it)')
        return 77
    gen, plugin_dir, captures_dir = (os.path.realpath(a) for a in sys.argv[1:4])
    work = tempfile.mkdtemp(prefix='batch-test-')
    os.chmod(work, 0o755)
    folder = os.path.join(work, 'captures')
    os.mkdir(folder)
    layout = lay_out(folder, captures_dir, [os.path.join(os.path.dirname(__file__), 'edge-rows.session')], gen)
    # Bad files: a header cut short, not a capture, cut short in a packet, missing.
    good = sorted(layout)
    with open(os.path.join(folder, 'header.pcap'), 'wb') as f:
        f.write(bytes.fromhex('d4c3b2a10900'))
    with open(os.path.join(folder, 'notes.pcap'), 'wb') as f:
        f.write(bytes(range(256)) * 16)
    with open(os.path.realpath(os.path.join(folder, 'wa15-login-chat.pcap')), 'rb') as f:
        data = f.read()
    with open(os.path.join(folder, 'cut.pcap'), 'wb') as f:
        f.write(data[:len(data) * 2 // 3])
    missing = os.path.join(folder, 'missing.pcap')
    os.symlink(os.path.join(work, 'nowhere.pcap'), missing)

    base = ['--plugin-dir', plugin_dir]
    preload = os.environ.get('FUNXMPP_SANITIZER_PRELOAD')
    if preload:  # the ASan+UBSan plugin loads into tshark with the runtimes preloaded
        base += ['--tshark', shlex.join(['env', 'LD_PRELOAD=' + preload, 'WIRESHARK_EXTCAP_DIR=' + work,
                                         'ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:verify_asan_link_order=0',
                                         'UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1', 'tshark'])]

    # ---- A local run with two processes ----
    db1 = os.path.join(work, 'local.db')
    r = run_batch(base + ['--db', db1, '--workers', '2', folder])
    print(r.stdout + r.stderr, end='')
    check('a run with bad files ends, saying so (status 1, the summary last)',
          r.returncode == 1 and re.search(r'\d+ done, \d+ skipped, 4 failed', r.stdout) is not None, r.stderr)
    db = sqlite3.connect(db1)
    statuses = dict(db.execute('SELECT path, status FROM captures').fetchall())
    errors = dict(db.execute('SELECT path, error FROM captures').fetchall())
    duplicates = [c for c in good if c not in statuses]
    check('every good capture done, but a copy of one already read', all(statuses.get(c, 'done') == 'done' for c in good)
          and len(duplicates) == 1, f'{duplicates} {[(c, statuses.get(c)) for c in good if statuses.get(c) != "done"]}')
    for name, needle in (('header.pcap', 'cut short'), ('notes.pcap', "isn't a capture file"),
                         ('cut.pcap', 'cut short'), ('missing.pcap', 'No such file')):
        path = os.path.join(folder, name)
        check(f'{name} recorded as failed with the error ({needle})',
              statuses.get(path) == 'failed' and needle in (errors.get(path) or ''), repr(errors.get(path)))
    cut_rows = db.execute("SELECT count(*) FROM stanzas JOIN captures ON captures.id = capture_id "
                          "WHERE path = ?", (os.path.join(folder, 'cut.pcap'),)).fetchone()[0]
    check('the stanzas before the cut are kept', cut_rows > 0, str(cut_rows))

    server_ports = set()
    for session in [s for s in os.listdir(captures_dir) if s.endswith('.session')]:
        with open(os.path.join(captures_dir, session), encoding='utf-8') as f:
            server_ports |= {int(l.split(':')[-1]) for l in f if l.startswith('server ')}
    server_ports |= {5222}
    total = 0
    for capture in good:
        if capture in duplicates:
            continue
        frames = expected_rows(capture, layout[capture], plugin_dir, server_ports)
        n, problems = compare_capture(db, capture, frames)
        total += n
        check(f'{os.path.basename(capture)}: {n} rows as tshark -T fields gives them', not problems,
              '\n'.join(problems[:5]))
    e2e = db.execute('SELECT count(*) FROM stanzas WHERE e2e_json IS NOT NULL').fetchone()[0]
    fanout = db.execute("SELECT json_array_length(e2e_json) FROM stanzas WHERE json_type(e2e_json) = 'array'").fetchall()
    check(f'end-to-end JSON in {e2e} rows; a stanza of several payloads holds them as an array ({fanout})',
          e2e >= 7 and fanout and all(n >= 2 for (n,) in fanout))
    indexes = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    check(f'indexes by capture, tag and JID ({sorted(indexes)})',
          {'stanzas_by_capture', 'stanzas_by_tag', 'stanzas_by_from', 'stanzas_by_to'} <= indexes)
    plan = ' '.join(str(r) for r in db.execute("EXPLAIN QUERY PLAN SELECT xml FROM stanzas WHERE jid_to = ?", ('x',)))
    check(f'a query by JID uses its index ({plan})', 'stanzas_by_to' in plan)
    counted = db.execute("SELECT count(*) FROM captures WHERE stanzas != (SELECT count(*) FROM stanzas "
                         "WHERE capture_id = captures.id)").fetchone()[0]
    check('each capture counts its rows', counted == 0)
    db.close()
    reference = snapshot(db1)

    r = run_batch(base + ['--db', db1, folder])
    check('a second run skips what is done and retries what failed',
          re.search(rf'0 done, {len(good)} skipped, 4 failed', r.stdout) is not None, r.stdout + r.stderr)
    check('... and changes nothing', snapshot(db1) == reference)

    # ---- Killed halfway (SIGKILL), then interrupted (Ctrl-C), then resumed ----
    db2 = os.path.join(work, 'resumed.db')
    proc = subprocess.Popen([BATCH] + base + ['--db', db2, '--workers', '1', folder], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    reached = wait_for_done(db2, 5, proc)
    proc.kill()
    proc.wait()
    check('killed after 5 captures', reached)
    time.sleep(0.5)
    check('the killed run left no tshark running', not no_tshark_left('funxmpp,rows'), str(no_tshark_left('funxmpp,rows')))
    caps, rows = snapshot(db2)
    paths = {c[0] for c in caps}
    whole = all(c in reference[0] for c in caps) and rows == [r for r in reference[1] if r[0] in paths]
    check(f'after the kill: {len(caps)} captures, each whole as in the full run', whole and 0 < len(caps) < len(reference[0]))
    proc = subprocess.Popen([BATCH] + base + ['--db', db2, '--workers', '1', folder], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    wait_for_done(db2, len(caps) + 3, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    check('Ctrl-C stops the run with status 130 and a summary', proc.returncode == 130 and 'interrupted' in out,
          out + err)
    r = run_batch(base + ['--db', db2, '--workers', '2', folder])
    check('resumed, the database is the full run\'s', snapshot(db2) == reference, r.stdout + r.stderr)

    # ---- A timeout kills tshark and is recorded ----
    db3 = os.path.join(work, 'timeout.db')
    one = os.path.join(work, 'one')
    os.mkdir(one)
    os.symlink(good[0], os.path.join(one, 'a.pcap'))
    r = run_batch(base + ['--db', db3, '--timeout', '0.05', one])
    error = sqlite3.connect(db3).execute('SELECT status, error FROM captures').fetchone()
    check('a capture over --timeout is killed and recorded', r.returncode == 1 and error[0] == 'failed' and
          'timed out after 0.05 s' in error[1], repr(error))

    # ---- tshark's warnings stay with a capture that is done; one run a database at a time ----
    warn = os.path.join(work, 'warn')
    os.mkdir(warn)
    subprocess.run(['editcap', '-t', '1', os.path.join(captures_dir, 'noise63-decrypt-e2e.pcap'),
                    os.path.join(warn, 'w.pcap')], check=True)  # (other bytes: not a copy of one already read)
    with open(os.path.join(captures_dir, 'noise63-decrypt-e2e.keylog')) as f, \
            open(os.path.join(warn, 'w.keys'), 'w') as out:
        out.write(f.read() + 'WA_NOISE_TRANSPORT zzzz\n')
    subprocess.run(['chmod', '-R', 'a+rX', warn], check=True)
    r = run_batch(base + ['--db', db3, warn])
    row = sqlite3.connect(db3).execute("SELECT status, stanzas, error FROM captures WHERE path LIKE '%/w.pcap'").fetchone()
    check('a capture that is done keeps tshark\'s warning (a key log line that does not parse), with the user\'s path',
          row is not None and row[0] == 'done' and row[1] == 11 and 'does not parse' in (row[2] or '')
          and os.path.join(warn, 'w.keys') in row[2], repr(row) + r.stderr)
    slow = subprocess.Popen([BATCH] + base + ['--db', db3, '--workers', '1', folder], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    r = run_batch(base + ['--db', db3, warn])
    slow.kill()
    slow.wait()
    check('a second run on a database being written stops at once, saying why',
          r.returncode != 0 and 'another run is writing' in r.stderr, r.stdout + r.stderr)

    # ---- The same tasks on a Dask cluster (a LocalCluster of two workers) ----
    cluster = subprocess.Popen([sys.executable, '-c', '''
import sys, time
from distributed import LocalCluster
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                       scheduler_port=0, silence_logs=50)
print(cluster.scheduler_address, flush=True)
sys.stdin.read()
cluster.close()
'''], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        address = cluster.stdout.readline().strip()
        check(f'a LocalCluster of two workers at {address}', address.startswith('tcp://'))
        db4 = os.path.join(work, 'dask.db')
        r = run_batch(base + ['--db', db4, '--scheduler', address, folder])
        check('through the Dask cluster, the database is the local run\'s', snapshot(db4) == reference,
              r.stdout + r.stderr)
    finally:
        cluster.stdin.close()
        cluster.wait(timeout=60)
    subprocess.run(['rm', '-rf', work])
    print(f'{passes} passed, {fails} failed')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
