// SPDX-License-Identifier: GPL-2.0-or-later
// Test-only: JSON with every object's keys sorted, so that two texts are equal exactly where the
// JSON values are (DESIGN 2.8 asks for equal values, not equal key order). Imported by
// session.mjs; run as a program it rewrites each line of standard input (one JSON value a line).
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'

export const sortedJson = (value) => JSON.stringify(value, (key, item) => (item && typeof item === 'object' && !Array.isArray(item)
  ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  : item))

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for await (const line of createInterface({ input: process.stdin })) {
    console.log(sortedJson(JSON.parse(line)))
  }
}
