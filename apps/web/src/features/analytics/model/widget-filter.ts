import { createContext, useContext } from 'react'

/**
 * The website widget the dashboard is narrowed to (undefined: everything). A context rather than a prop, so
 * every report of the dashboard follows it without each component passing it on.
 */
export const WidgetFilterContext = createContext<string | undefined>(undefined)

export const useWidgetFilter = () => useContext(WidgetFilterContext)

/** The query parameter of a report narrowed to a widget. */
export const widgetQuery = (widgetId: string | undefined) => (widgetId ? { widget_id: widgetId } : {})
