import { highlightWords } from '../model/highlight-words.ts'
import { shortenLead } from '../model/shorten-lead.ts'

/**
 * The words around where a search result's messages matched, the searched words in `<mark>`; `maxLead` shortens the
 * text before the first of them where the excerpt has little room. The excerpt is user and model text, so it is
 * rendered as text nodes only, never as HTML.
 */
export function SearchExcerpt({
  excerpt,
  query,
  maxLead,
  id,
}: {
  excerpt: string
  query: string
  maxLead?: number
  id?: string
}) {
  const segments = highlightWords(excerpt, query)
  return (
    <span className="search-excerpt" id={id}>
      {(maxLead === undefined ? segments : shortenLead(segments, maxLead)).map((segment, index) =>
        segment.marked ? <mark key={index}>{segment.text}</mark> : segment.text,
      )}
    </span>
  )
}
