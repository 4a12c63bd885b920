/** Families of injection the pattern check recognises. */
type InjectionFamily = 'xss' | 'sql' | 'shell' | 'path_traversal' | 'template' | 'nosql' | 'ldap'

interface PatternRule {
  id: string
  family: InjectionFamily
  pattern: RegExp
}

/**
 * Rules match the shape of an attack, not the mention of a technology: "how do I use UNION in SQL?" or a
 * code question about `<div>` is ordinary, while a quote closing a string before `OR 1=1` is not.
 */
const RULES: readonly PatternRule[] = [
  { id: 'xss.script_tag', family: 'xss', pattern: /<\s*script\b[^>]*>/i },
  { id: 'xss.event_handler', family: 'xss', pattern: /<\s*[a-z][a-z0-9]*\b[^>]*\son[a-z]+\s*=/i },
  {
    id: 'xss.javascript_url',
    family: 'xss',
    pattern: /(?:href|src|action)\s*=\s*["']?\s*javascript:|^\s*javascript:/im,
  },
  { id: 'xss.dangerous_tag', family: 'xss', pattern: /<\s*(?:iframe|object|embed)\b[^>]*>/i },
  { id: 'sql.tautology', family: 'sql', pattern: /['"]\s*(?:or|and)\s+['"]?\w+['"]?\s*=\s*['"]?\w+/i },
  {
    id: 'sql.stacked_query',
    family: 'sql',
    pattern: /['"]\s*;\s*(?:drop|delete|insert|update|alter|truncate|exec)\b/i,
  },
  { id: 'sql.union_select', family: 'sql', pattern: /['"]\s*\)?\s*union\s+(?:all\s+)?select\b/i },
  { id: 'sql.comment_terminator', family: 'sql', pattern: /['"]\s*(?:--|#|\/\*)\s*$/m },
  {
    id: 'shell.chained_command',
    family: 'shell',
    pattern: /(?:;|&&|\|\|)\s*(?:rm\s+-rf|curl|wget|nc|ncat|bash|sh|chmod|cat\s+\/etc\/)\b/i,
  },
  {
    id: 'shell.substitution',
    family: 'shell',
    pattern: /(?:\$\(|`)\s*(?:rm|curl|wget|nc|bash|sh|cat|id|whoami|uname)\b[^)`]*[)`]/i,
  },
  { id: 'shell.pipe_to_shell', family: 'shell', pattern: /\|\s*(?:ba|z)?sh\b/i },
  {
    id: 'path.dot_dot',
    family: 'path_traversal',
    pattern: /(?:\.\.[/\\]){2,}|\.\.[/\\](?:etc|windows|proc|root|var)\b/i,
  },
  {
    id: 'path.encoded',
    family: 'path_traversal',
    pattern: /(?:%2e|%252e){2}(?:%2f|%5c|%252f|[/\\])|\.\.(?:%2f|%5c|%252f)|%c0%ae/i,
  },
  {
    id: 'template.expression',
    family: 'template',
    pattern:
      /\{\{\s*[^}]*(?:__|\bconstructor\b|config|self|request|\d+\s*\*\s*\d+)[^}]*\}\}|\$\{\s*\d+\s*\*\s*\d+\s*\}|<%=?[^%]*%>|#\{[^}]*\}/i,
  },
  {
    id: 'nosql.operator',
    family: 'nosql',
    pattern: /\{\s*["']?\$(?:ne|gt|gte|lt|lte|regex|where|nin|in|exists|expr)["']?\s*:/i,
  },
  { id: 'nosql.where_js', family: 'nosql', pattern: /\$where\s*["']?\s*:\s*["']?\s*(?:function|this\.)/i },
  {
    id: 'ldap.filter',
    family: 'ldap',
    pattern: /\*\)\s*\(\s*[|&!]?\s*\(?\s*\w+\s*=|\)\s*\(\s*\|\s*\(\s*\w+\s*=\s*\*/i,
  },
]

export interface PatternMatch {
  rule: string
  family: InjectionFamily
}

/** URL-decodes up to twice, so `%252e%252e%252f` is seen as `../` too. */
function decodedVariants(text: string): string[] {
  const variants = [text]
  let current = text
  for (let round = 0; round < 2; round += 1) {
    try {
      const next = decodeURIComponent(current)
      if (next === current) break
      variants.push(next)
      current = next
    } catch {
      break
    }
  }
  return variants
}

/** The first rule each family matches, in rule order. */
export function findInjections(text: string): PatternMatch[] {
  const variants = decodedVariants(text)
  const found = new Map<InjectionFamily, PatternMatch>()
  for (const rule of RULES) {
    if (found.has(rule.family)) continue
    if (variants.some((variant) => rule.pattern.test(variant)))
      found.set(rule.family, { rule: rule.id, family: rule.family })
  }
  return [...found.values()]
}
