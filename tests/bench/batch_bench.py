#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The batch benchmark (tools/bench.sh, section batch): tools/funxmpp-batch over a folder of
captures with their secrets beside them.

(a) every capture on its own, one after the other, by the very tshark command the tool runs
    for it (its rows read and dropped): the sum of their wall times;
(b) the tool with N local workers (N = cores) into a fresh database: its wall time against
    (a) / N, the rate at which it wrote rows (its own count: rows over the seconds spent in
    transactions and in making the indexes), and its peak memory;
(c) the same over the first tenth of the captures: peak memory, to show it does not grow with
    the run (rows are streamed, not held).
usage: batch_bench.py FOLDER PLUGIN_DIR WORKDIR   (prints a table, then its three verdicts)
"""

import os
import re
import subprocess
import sys
import time
from importlib.machinery import SourceFileLoader

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), '..', '..'))
BATCH = os.path.join(TOP, 'tools', 'funxmpp-batch')
batch = SourceFileLoader('funxmpp_batch', BATCH).load_module()


class Options:  # what capture_secrets reads of the command line: no global secrets
    keylog = passwords = tls_keylog = None


def sequential_seconds(captures, plugin_dir):
    total = 0.0
    for path in captures:
        files, extra = batch.capture_secrets(path, Options)
        task = {'path': path, 'tshark': ['tshark'], 'plugin_dir': plugin_dir, 'files': files,
                'extra': extra, 'timeout': 0}
        cmd, env, fd, scratch, _ = batch.tshark_command(task)
        started = time.monotonic()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       pass_fds=(fd,) if fd is not None else ())
        total += time.monotonic() - started
        if fd is not None:
            os.close(fd)
        if scratch:
            subprocess.run(['rm', '-rf', scratch])
    return total


def tool_run(captures, plugin_dir, db, workers):
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    started = time.monotonic()
    out = subprocess.run([BATCH, '--plugin-dir', plugin_dir, '--db', db, '--workers', str(workers)] + captures,
                         capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - started
    done = re.search(r'(\d+) done, (\d+) skipped, (\d+) failed, (\d+) stanzas', out)
    rate = re.search(r'written in ([\d.]+) s of CPU \(([\d,]+) stanzas/s, indexes included\); '
                     r"this process's peak memory (\d+) MB", out)
    if not done or not rate or int(done.group(3)) or int(done.group(1)) != len(captures):
        sys.exit(f'batch_bench: unexpected run:\n{out}')
    return {'wall': wall, 'stanzas': int(done.group(4)), 'written': float(rate.group(1)),
            'rate': int(rate.group(2).replace(',', '')), 'peak': int(rate.group(3))}


def main():
    folder, plugin_dir, work = sys.argv[1:4]
    captures = batch.find_captures([folder])
    workers = os.cpu_count() or 1
    size = sum(os.path.getsize(c) for c in captures)
    print(f'{len(captures)} captures, {size / 1e9:.2f} GB; {workers} cores')
    seq = sequential_seconds(captures, plugin_dir)
    full = tool_run(captures, plugin_dir, os.path.join(work, 'bench.db'), workers)
    tenth = tool_run(captures[:max(1, len(captures) // 10)], plugin_dir, os.path.join(work, 'tenth.db'), workers)
    print(f"{'':48} {'seconds':>9} {'stanzas':>10} {'stanzas/s':>10} {'peak MB':>8}")
    print(f"{'(a) each capture alone, one after the other (sum)':48} {seq:9.1f}")
    print(f"{f'(b) funxmpp-batch, {workers} workers':48} {full['wall']:9.1f} {full['stanzas']:10} "
          f"{full['stanzas'] / full['wall']:10.0f} {full['peak']:8}")
    print(f"{'    of which writing the database':48} {full['written']:9.2f} {'':10} {full['rate']:10}")
    print(f"{'(c) funxmpp-batch over a tenth of the captures':48} {tenth['wall']:9.1f} {tenth['stanzas']:10} "
          f"{'':10} {tenth['peak']:8}")
    # Verdicts, read by tools/bench.sh: DESCRIPTION<TAB>VALUE<TAB>LIMIT<TAB>(<= or >=)
    print(f"verdict\t(b) wall time / ((a) / {workers} workers)\t{full['wall'] / (seq / workers):.3f}\t1.2\t<=")
    print(f"verdict\tdatabase writing (stanzas/s)\t{full['rate']}\t200000\t>=")
    print(f"verdict\tclient peak memory, all captures / a tenth\t{full['peak'] / tenth['peak']:.3f}\t1.2\t<=")


if __name__ == '__main__':
    main()
