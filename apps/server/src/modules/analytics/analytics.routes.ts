import {
  AnalyticsExportQuery,
  AnalyticsModelsReport,
  AnalyticsRangeQuery,
  AnalyticsReportQuery,
  AnalyticsSummary,
  AnalyticsUsersQuery,
  AnalyticsUsersReport,
  MyUsage,
  Timeseries,
  TimeseriesQuery,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { principalOf } from '../../plugins/auth.ts'
import type { AnalyticsService } from './analytics.service.ts'

const tags = ['analytics']
const security = [{ bearer: [] }]

/** Operator reports (admin and manager) and every user's own usage. */
export const analyticsRoutes: FastifyPluginAsyncZod<{ analytics: AnalyticsService }> = async (app, { analytics }) => {
  const operator = { onRequest: app.requireAuth('analytics:read') }

  app.get(
    '/analytics/summary',
    {
      ...operator,
      schema: {
        tags,
        security,
        summary: "Totals, today, and performance over a window; `widget_id` keeps one widget's visitors",
        querystring: AnalyticsReportQuery,
        response: { 200: AnalyticsSummary },
      },
    },
    async (request) => analytics.summary(request.query),
  )

  app.get(
    '/analytics/timeseries',
    {
      ...operator,
      schema: {
        tags,
        security,
        summary: 'One metric per minute, hour or day (UTC)',
        querystring: TimeseriesQuery,
        response: { 200: Timeseries },
      },
    },
    async (request) => analytics.timeseries(request.query),
  )

  app.get(
    '/analytics/users',
    {
      ...operator,
      schema: {
        tags,
        security,
        summary: 'Top users by tokens or messages',
        querystring: AnalyticsUsersQuery,
        response: { 200: AnalyticsUsersReport },
      },
    },
    async (request) => analytics.users(request.query),
  )

  app.get(
    '/analytics/models',
    {
      ...operator,
      schema: {
        tags,
        security,
        summary: 'Calls, tokens, latency and errors per provider and model',
        querystring: AnalyticsReportQuery,
        response: { 200: AnalyticsModelsReport },
      },
    },
    async (request) => analytics.models(request.query),
  )

  app.get(
    '/analytics/export',
    { ...operator, schema: { tags, security, summary: 'A report as CSV', querystring: AnalyticsExportQuery } },
    async (request, reply) => {
      const { fileName, csv } = await analytics.exportCsv(request.query)
      void reply.header('content-disposition', `attachment; filename="${fileName}"`)
      return reply.type('text/csv; charset=utf-8').send(csv)
    },
  )

  app.get(
    '/users/me/usage',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'Your tokens and messages per day',
        querystring: AnalyticsRangeQuery,
        response: { 200: MyUsage },
      },
    },
    async (request) => analytics.myUsage(principalOf(request).userId, request.query),
  )
}
