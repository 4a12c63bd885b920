import type { AnalyticsSummary } from '@parley/protocol'
import { summaryCards } from '../model/summary-cards.ts'

/** The summary as a grid of figures; each card is a labelled group so tests and screen readers find it by name. */
export function MetricCards({ summary, rangeLabel }: { summary: AnalyticsSummary; rangeLabel: string }) {
  return (
    <div className="metric-grid">
      {summaryCards(summary, rangeLabel).map((card) => (
        <div key={card.label} className="metric-card" role="group" aria-label={card.label}>
          <span className="metric-label">{card.label}</span>
          <span className="metric-value">{card.value}</span>
          {card.hint && <span className="metric-hint">{card.hint}</span>}
        </div>
      ))}
    </div>
  )
}
